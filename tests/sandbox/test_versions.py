"""App software versions: create (201, no body), get, list, update (PUT with revision)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.support.api import Api, check
from tests.support.artifacts import jar_bytes
from tests.support.openapi import validate_request

VERSIONS = "/rest/3/app-software/{appSoftwareId}/versions"
VERSION = "/rest/3/app-software/{appSoftwareId}/versions/{buildNumber}"


def details(response: Any) -> list[str]:
    return [error["detail"] for error in response.json()["errors"]]


def test_create_is_201_with_location_and_no_body(api: Api, dc: str, artifact: str) -> None:
    body = api.version_body(artifact)
    validate_request("POST", VERSIONS, body)
    response = api.post(f"/rest/3/app-software/{dc}/versions", json=body)
    assert response.status_code == 201
    check(response, VERSIONS)
    assert response.headers["Location"].endswith(f"/rest/3/app-software/{dc}/versions/2004000")
    stored = api.sandbox.state()["apps"][dc]["versions"][2004000]
    assert stored["versionNumber"] == "2.4.0"


def test_get_returns_the_create_fields_and_server_fields(
    api: Api, dc: str, artifact: str, version: int
) -> None:
    body = check(api.get(f"/rest/3/app-software/{dc}/versions/{version}"), VERSION)
    sent = api.version_body(artifact)
    for key in (
        "buildNumber",
        "versionNumber",
        "compatibilities",
        "supportedPaymentModel",
        "frameworkDetails",
        "supported",
        "beta",
        "changelog",
    ):
        assert body[key] == sent[key], key
    assert body["licenseType"] == {"id": "commercial", "name": "Commercial"}
    assert body["state"] == "submitted"
    assert body["revision"] == 1
    assert body["createdBy"] == "demo@example.com"
    assert "approvalDetails" in body and "releaseDetails" in body
    assert "acceptedAgreements" not in body  # not part of AppSoftwareVersionGetResponse


def test_created_state_is_configurable(make_sandbox) -> None:  # type: ignore[no-untyped-def]
    api = Api(make_sandbox(created_version_state="approved"))
    dc = api.app_software_id("com.example.timesheets", "datacenter")
    body = api.version_body(api.artifact_id(jar_bytes()))
    assert api.post(f"/rest/3/app-software/{dc}/versions", json=body).status_code == 201
    assert api.get(f"/rest/3/app-software/{dc}/versions/2004000").json()["state"] == "approved"


def test_duplicate_build_number_is_400(api: Api, dc: str, artifact: str, version: int) -> None:
    response = api.post(f"/rest/3/app-software/{dc}/versions", json=api.version_body(artifact))
    error = check(response, VERSIONS)["errors"][0]
    assert (response.status_code, error["code"], error["title"]) == (
        400,
        "VALIDATION_ERROR",
        "Validation failed",
    )
    assert error["detail"] == "Build number already exists"
    assert error["status"] == "400"


def test_missing_required_fields_are_each_reported(api: Api, dc: str) -> None:
    response = api.post(f"/rest/3/app-software/{dc}/versions", json={"buildNumber": 1})
    check(response, VERSIONS)
    assert set(details(response)) >= {
        f"Invalid value for {name}. Required field is missing"
        for name in (
            "compatibilities",
            "supportedPaymentModel",
            "frameworkDetails",
            "supported",
            "beta",
            "acceptedAgreements",
        )
    }


BAD_FIELDS = [
    ({"compatibilities": []}, "Invalid value for compatibilities. Must have at least one item"),
    ({"supportedPaymentModel": "paid"}, "Invalid value for supportedPaymentModel. Must be one of"),
    ({"licenseType": {"id": "mit"}}, "Invalid value for licenseType.id. Must be one of"),
    ({"supported": "yes"}, "Invalid value for supported. Must be a boolean"),
    ({"buildNumber": None}, "Invalid value for buildNumber. Required field is missing"),
    ({"buildNumber": "12"}, "Invalid value for buildNumber. Must be a non-negative integer"),
    ({"versionNumber": None}, "Invalid value for versionNumber. Required field is missing"),
    (
        {"frameworkDetails": {"frameworkId": "osgi", "attributes": {}}},
        "Invalid value for frameworkDetails.frameworkId. Must be one of",
    ),
    (
        {"frameworkDetails": {"frameworkId": "plugin", "attributes": {}}},
        "Invalid value for frameworkDetails.attributes.artifactId. Required field is missing",
    ),
    (
        {"frameworkDetails": {"frameworkId": "plugin", "attributes": {"artifactId": "nope"}}},
        "Invalid value for frameworkDetails.attributes.artifactId. Must be a valid UUID",
    ),
    (
        {
            "frameworkDetails": {
                "frameworkId": "plugin",
                "attributes": {"artifactId": "337c40d8-c903-4e28-8498-7cbc372ba578"},
            }
        },
        "Invalid value for frameworkDetails.attributes.artifactId. Artifact not found",
    ),
    (
        {
            "frameworkDetails": {
                "frameworkId": "connect",
                "attributes": {"descriptorId": "d", "scopes": []},
            }
        },
        "Invalid value for frameworkDetails.frameworkId. Framework connect is not supported",
    ),
    (
        {"acceptedAgreements": [{"agreementUrl": "not a url"}]},
        "Invalid value for acceptedAgreements.agreementUrl. Must be a valid URL",
    ),
]


@pytest.mark.parametrize(("overrides", "expected"), BAD_FIELDS)
def test_invalid_fields(
    api: Api, dc: str, artifact: str, overrides: dict[str, Any], expected: str
) -> None:
    response = api.post(
        f"/rest/3/app-software/{dc}/versions", json=api.version_body(artifact, **overrides)
    )
    assert response.status_code == 400
    check(response, VERSIONS)
    assert any(d.startswith(expected) for d in details(response)), details(response)
    assert api.sandbox.state()["apps"][dc]["versions"] == {}


def test_compatibility_checks(api: Api, dc: str, artifact: str) -> None:
    jira = api.parent_id("Jira")
    cases = [
        (
            {"parentSoftwareId": "Jira", "minBuildNumber": 912000, "maxBuildNumber": 1003000},
            "Invalid value for compatibilities.parentSoftwareId. Parent software 'Jira' not found",
        ),
        (
            {"parentSoftwareId": jira, "minBuildNumber": 912999, "maxBuildNumber": 1003000},
            "Invalid value for compatibilities.minBuildNumber. "
            "No Jira version has build number 912999",
        ),
        (
            {"parentSoftwareId": jira, "minBuildNumber": 1003000, "maxBuildNumber": 912000},
            "Invalid value for compatibilities.minBuildNumber. "
            "Must not be greater than maxBuildNumber",
        ),
        (
            {"parentSoftwareId": jira, "maxBuildNumber": 912000},
            "Invalid value for compatibilities.minBuildNumber. Required field is missing",
        ),
    ]
    for compatibility, expected in cases:
        body = api.version_body(artifact, compatibilities=[compatibility])
        response = api.post(f"/rest/3/app-software/{dc}/versions", json=body)
        assert response.status_code == 400
        assert expected in details(response), details(response)


def test_artifact_must_be_this_accounts_and_this_apps(
    api: Api, rival: Api, dc: str, artifact: str
) -> None:
    rivals = rival.artifact_id(jar_bytes(key="com.example.timesheets"))
    response = api.post(f"/rest/3/app-software/{dc}/versions", json=api.version_body(rivals))
    assert details(response) == [
        "Invalid value for frameworkDetails.attributes.artifactId. Artifact not found"
    ]
    other_key = api.artifact_id(jar_bytes(key="com.example.other"))
    response = api.post(f"/rest/3/app-software/{dc}/versions", json=api.version_body(other_key))
    assert "does not match the app key 'com.example.timesheets'" in details(response)[0]


def test_unknown_and_foreign_app_software(api: Api, rival: Api, dc: str, artifact: str) -> None:
    response = api.post("/rest/3/app-software/nope/versions", json=api.version_body(artifact))
    assert response.status_code == 404
    assert check(response, VERSIONS)["errors"][0]["code"] == "APP_SOFTWARE_NOT_FOUND"
    response = rival.post(f"/rest/3/app-software/{dc}/versions", json=api.version_body(artifact))
    assert (response.status_code, response.content) == (403, b"")
    check(response, VERSIONS)
    response = rival.get(f"/rest/3/app-software/{dc}/versions")
    assert response.status_code == 404  # this GET declares no 403
    check(response, VERSIONS)


def test_malformed_json_is_400(api: Api, dc: str) -> None:
    response = api.post(
        f"/rest/3/app-software/{dc}/versions",
        data=b"{",
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    check(response, VERSIONS)


def test_get_missing_and_non_numeric(api: Api, dc: str) -> None:
    response = api.get(f"/rest/3/app-software/{dc}/versions/42")
    assert response.status_code == 404
    check(response, VERSION)
    response = api.get(f"/rest/3/app-software/{dc}/versions/abc")
    assert response.status_code == 400
    check(response, VERSION)


def create(api: Api, dc: str, build: int, **overrides: Any) -> None:
    artifact = api.artifact_id(jar_bytes())
    response = api.post(
        f"/rest/3/app-software/{dc}/versions", json=api.version_body(artifact, build, **overrides)
    )
    assert response.status_code == 201, response.text


def test_list_paginates_newest_first_with_total(api: Api, dc: str) -> None:
    for build in (100, 300, 200):
        create(api, dc, build)
    first = check(api.get(f"/rest/3/app-software/{dc}/versions", params={"limit": 2}), VERSIONS)
    assert [v["buildNumber"] for v in first["versions"]] == [300, 200]
    assert first["totalCount"] == 3
    second = check(api.get(first["links"]["next"]), VERSIONS)
    assert [v["buildNumber"] for v in second["versions"]] == [100]
    assert "next" not in second["links"]


def test_list_filters(api: Api, dc: str) -> None:
    create(api, dc, 100, versionNumber="1.0.0")
    create(api, dc, 200, versionNumber="2.0.0", supportedPaymentModel="paid-via-atlassian")
    jira = api.parent_id("Jira")
    path = f"/rest/3/app-software/{dc}/versions"

    def builds(**params: Any) -> list[int]:
        return [v["buildNumber"] for v in check(api.get(path, params=params), VERSIONS)["versions"]]

    assert builds(paymentModel="free") == [100]
    assert builds(afterVersion="1.0.0") == [200]
    assert builds(state="submitted") == [200, 100]
    assert builds(state="active") == []
    assert builds(parentSoftwareId=jira, parentSoftwareVersionId=912000) == [200, 100]
    assert builds(parentSoftwareId=jira, parentSoftwareVersionId=904000) == []
    for params in (
        {"state": "live"},
        {"paymentModel": "gratis"},
        {"limit": 0},
        {"afterVersion": "9.9"},
    ):
        response = api.get(path, params=params)
        assert response.status_code == 400, params
        assert check(response, VERSIONS)["errors"][0]["code"] == "INVALID_PARAMETER"


def update_body(current: dict[str, Any], **changes: Any) -> dict[str, Any]:
    body = {
        k: copy.deepcopy(v)
        for k, v in current.items()
        if k not in ("createdBy", "createdAt", "approvalDetails", "releaseDetails")
    }
    body["licenseType"] = {"id": current["licenseType"]["id"]}
    body.update(changes)
    return body


def test_put_replaces_and_bumps_revision(api: Api, dc: str, version: int) -> None:
    path = f"/rest/3/app-software/{dc}/versions/{version}"
    current = api.get(path).json()
    body = update_body(current, changelog={"releaseSummary": "Even faster export"}, beta=True)
    validate_request("PUT", VERSION, body)
    response = api.put(path, json=body)
    assert (response.status_code, response.content) == (200, b"")
    check(response, VERSION)
    after = check(api.get(path), VERSION)
    assert after["revision"] == 2
    assert after["changelog"] == {"releaseSummary": "Even faster export"}
    assert after["beta"] is True
    assert after["createdAt"] == current["createdAt"]
    body = update_body(current)  # full replace: no sourceCodeLicense/changelog now
    body.pop("changelog")
    body["revision"] = 2
    assert api.put(path, json=body).status_code == 200
    assert "changelog" not in api.get(path).json()


def test_put_with_a_stale_revision_is_revision_mismatch(api: Api, dc: str, version: int) -> None:
    path = f"/rest/3/app-software/{dc}/versions/{version}"
    current = api.get(path).json()
    assert api.put(path, json=update_body(current)).status_code == 200
    response = api.put(path, json=update_body(current))  # revision 1 again
    error = check(response, VERSION)["errors"][0]
    assert (error["code"], error["title"], error["detail"]) == (
        "REVISION_MISMATCH",
        "Revision mismatch",
        "A more recent revision is available",
    )


def test_put_cannot_change_state_or_build(api: Api, dc: str, version: int) -> None:
    path = f"/rest/3/app-software/{dc}/versions/{version}"
    current = api.get(path).json()
    response = api.put(path, json=update_body(current, state="approved"))
    assert response.status_code == 400
    assert details(response)[0].startswith(
        "Invalid value for state. State transitions are not enabled"
    )
    check(response, VERSION)
    response = api.put(path, json=update_body(current, buildNumber=version + 1))
    assert details(response) == [
        f"Invalid value for buildNumber. Must match the build number in the path ({version})"
    ]
    response = api.put(path, json=update_body(current, revision=None, state=None))
    assert set(details(response)) == {
        "Invalid value for revision. Required field is missing",
        "Invalid value for state. Required field is missing",
    }
    assert api.get(path).json()["revision"] == 1


def test_put_on_a_missing_version_is_404(api: Api, dc: str, version: int) -> None:
    current = api.get(f"/rest/3/app-software/{dc}/versions/{version}").json()
    response = api.put(f"/rest/3/app-software/{dc}/versions/999", json=update_body(current))
    assert response.status_code == 404
    check(response, VERSION)


def test_connect_versions_get_generated_build_numbers(api: Api) -> None:
    cloud = api.app_software_id("com.example.timesheets", "cloud")
    body = {
        "compatibilities": [{"parentSoftwareId": api.parent_id("Jira")}],
        "supportedPaymentModel": "free",
        "frameworkDetails": {
            "frameworkId": "connect",
            "attributes": {"descriptorId": "d-1", "scopes": ["READ"]},
        },
        "supported": True,
        "beta": False,
        "acceptedAgreements": [],
    }
    validate_request("POST", VERSIONS, body)
    assert api.post(f"/rest/3/app-software/{cloud}/versions", json=body).status_code == 201
    assert api.post(f"/rest/3/app-software/{cloud}/versions", json=body).status_code == 201
    listed = check(api.get(f"/rest/3/app-software/{cloud}/versions"), VERSIONS)["versions"]
    assert [v["buildNumber"] for v in listed] == [2, 1]
