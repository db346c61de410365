"""The spec checker itself: it must reject what the spec rejects, or other tests prove nothing."""

from __future__ import annotations

import pytest

from tests.support.openapi import (
    SpecViolation,
    spec_path,
    validate_request,
    validate_response,
    validate_schema,
)

APP_KEY = "/rest/3/app-software/app-key/{appKey}"


def test_spec_is_found_beside_the_repository() -> None:
    assert spec_path().name == "marketplace-v3.openapi.json"


def test_nullable_becomes_a_type_union() -> None:
    body = [{"appSoftwareId": "x", "hosting": "server", "complianceBoundaries": None}]
    validate_response("GET", APP_KEY, 200, body)
    with pytest.raises(SpecViolation, match="hosting"):
        validate_response("GET", APP_KEY, 200, [{"appSoftwareId": "x", "hosting": "onprem"}])


def test_undeclared_status_and_unexpected_body_are_violations() -> None:
    with pytest.raises(SpecViolation, match="not declared"):
        validate_response("GET", APP_KEY, 418, None)
    path = "/rest/3/app-software/{appSoftwareId}/versions"
    with pytest.raises(SpecViolation, match="declares no body"):
        validate_response("POST", path, 201, {"unexpected": True})
    with pytest.raises(SpecViolation, match="empty"):
        validate_response("GET", APP_KEY, 404, None)


def test_declared_headers_must_be_present() -> None:
    path = "/rest/3/app-software/{appSoftwareId}/versions"
    with pytest.raises(SpecViolation, match="Location"):
        validate_response("POST", path, 201, None, headers={})
    validate_response("POST", path, 201, None, headers={"Location": "/x"})


def test_one_of_is_read_as_any_of() -> None:
    # Plugin attributes also match the workflow branch; with oneOf this valid body would fail.
    body = {
        "compatibilities": [],
        "supportedPaymentModel": "free",
        "frameworkDetails": {"frameworkId": "plugin", "attributes": {"artifactId": "a"}},
        "supported": True,
        "beta": False,
        "acceptedAgreements": [],
    }
    validate_request("POST", "/rest/3/app-software/{appSoftwareId}/versions", body)


def test_string_and_integer_status_envelopes_are_told_apart() -> None:
    entity = {
        "id": "f0bca12d-4513-41ca-ae36-802536909cc5",
        "code": "X",
        "title": "t",
        "detail": "d",
    }
    validate_schema("ErrorResponse", {"errors": [{**entity, "status": "400"}]})
    with pytest.raises(SpecViolation):
        validate_schema("ErrorResponse", {"errors": [{**entity, "status": 400}]})
    validate_schema(
        "AppSoftwareVersionListingValidationErrorList", {"errors": [{**entity, "status": 400}]}
    )
    with pytest.raises(SpecViolation):
        validate_schema(
            "AppSoftwareVersionListingValidationErrorList",
            {"errors": [{**entity, "status": "400"}]},
        )


def test_formats_are_checked() -> None:
    listing = "/rest/3/app-software/{appSoftwareId}/versions/{buildNumber}/listing"
    with pytest.raises(SpecViolation, match="uuid"):
        validate_request("POST", listing, {"state": "PUBLIC", "heroImage": "not-a-uuid"})
    with pytest.raises(SpecViolation, match="uri"):
        validate_request("POST", listing, {"state": "PUBLIC", "developerLinks": {"eula": "nope"}})


def test_unknown_paths_are_programming_errors() -> None:
    with pytest.raises(KeyError):
        validate_response("GET", "/rest/3/nothing", 200, None)
