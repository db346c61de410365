"""Version listings: POST (201, no body), GET, PUT (approvalStatus + revision), listings/all."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.support.api import Api, check
from tests.support.artifacts import jar_bytes, png_bytes
from tests.support.openapi import validate_request, validate_schema

LISTING = "/rest/3/app-software/{appSoftwareId}/versions/{buildNumber}/listing"
ALL = "/rest/3/app-software/{appSoftwareId}/listings/all"


def details(response: Any) -> list[str]:
    return [error["detail"] for error in response.json()["errors"]]


@pytest.fixture
def images(api: Api) -> dict[str, str]:
    shot = png_bytes()
    return {
        "shot1": api.image_id(shot, "screenshot"),
        "shot2": api.image_id(shot, "screenshot"),
        "shot3": api.image_id(shot, "screenshot"),
        "thumb": api.image_id(png_bytes(1, 1), "screenshot-thumbnail"),
        "hero": api.image_id(shot, "hero"),
    }


def listing_body(images: dict[str, str], state: str = "PUBLIC") -> dict[str, Any]:
    return {
        "state": state,
        "screenshots": [{"imageId": images["shot1"], "caption": "Overview"}],
        "highlights": [
            {
                "title": "Export",
                "summary": "One click",
                "caption": "Dialog",
                "screenshot": {"imageId": images["shot1"]},
                "thumbnail": images["thumb"],
            },
            {"title": "Approvals", "screenshot": {"imageId": images["shot2"]}},
            {"title": "Reports", "screenshot": {"imageId": images["shot3"]}},
        ],
        "heroImage": images["hero"],
        "moreDetails": "<p>Time tracking</p>",
        "youtubeId": "dQw4w9WgXcQ",
        "deploymentInstructions": [{"body": "Install", "screenshot": {"imageId": images["shot2"]}}],
        "developerLinks": {"documentation": "https://example.com/docs", "bonTermsSupported": True},
    }


def listing_path(dc: str, build: int) -> str:
    return f"/rest/3/app-software/{dc}/versions/{build}/listing"


def create_listing(
    api: Api, dc: str, build: int, images: dict[str, str], state: str = "PUBLIC"
) -> None:
    response = api.post(listing_path(dc, build), json=listing_body(images, state))
    assert response.status_code == 201, response.text


def new_version(api: Api, dc: str, build: int) -> int:
    body = api.version_body(api.artifact_id(jar_bytes()), build)
    assert api.post(f"/rest/3/app-software/{dc}/versions", json=body).status_code == 201
    return build


def test_create_then_get(api: Api, dc: str, version: int, images: dict[str, str]) -> None:
    body = listing_body(images)
    validate_request("POST", LISTING, body)
    response = api.post(listing_path(dc, version), json=body)
    assert (response.status_code, response.content) == (201, b"")
    check(response, LISTING)
    assert response.headers["Location"].endswith(listing_path(dc, version))
    got = check(api.get(listing_path(dc, version)), LISTING)
    assert {k: got[k] for k in body} == body
    assert (got["buildNumber"], got["appSoftwareId"], got["revision"]) == (version, dc, 1)
    assert got["approvalStatus"] == "UNINITIATED"  # LIVE: new versions are auto-approved
    assert api.sandbox.state()["apps"][dc]["listings"][version] == got


def test_private_listing_needs_no_review(
    api: Api, dc: str, version: int, images: dict[str, str]
) -> None:
    create_listing(api, dc, version, images, "PRIVATE")
    assert api.get(listing_path(dc, version)).json()["approvalStatus"] == "UNINITIATED"


def test_404s_have_no_body(api: Api, dc: str, version: int) -> None:
    for method, path in (
        ("GET", listing_path(dc, version)),  # no listing yet
        ("POST", listing_path(dc, 42)),  # no such version
        ("PUT", listing_path(dc, version)),
        ("GET", listing_path("no-such-app", version)),
        ("GET", listing_path(dc, "abc")),  # type: ignore[arg-type]
    ):
        response = api.request(
            method, path, json={"state": "PUBLIC", "approvalStatus": "SUBMITTED", "revision": 1}
        )
        assert (response.status_code, response.content) == (404, b""), (method, path)
        check(response, LISTING)


def test_another_accounts_listing_is_403(rival: Api, dc: str, version: int) -> None:
    response = rival.get(listing_path(dc, version))
    assert (response.status_code, response.content) == (403, b"")
    check(response, LISTING)


def test_create_twice_is_400(api: Api, dc: str, version: int, images: dict[str, str]) -> None:
    create_listing(api, dc, version, images)
    response = api.post(listing_path(dc, version), json=listing_body(images))
    assert response.status_code == 400
    error = check(response, LISTING)["errors"][0]
    assert (error["status"], error["code"]) == (400, "VALIDATION_FAIL")
    assert "already exists" in error["detail"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda b: b.pop("state"), "Invalid value for state. Required field is missing"),
        (
            lambda b: b.update(state="public"),
            "Invalid value for state. Must be one of: PRIVATE, PUBLIC",
        ),
        (
            lambda b: b["highlights"].pop(),
            "Invalid value for highlights. The array size should be exactly 3",
        ),
        (
            lambda b: b["highlights"][1]["screenshot"].update(imageId="nope"),
            "Invalid value for highlights.screenshot.imageId. Must be a valid UUID",
        ),
        (
            lambda b: b["highlights"][1].pop("screenshot"),
            "Invalid value for highlights.screenshot. Required field is missing",
        ),
        (
            lambda b: b["screenshots"][0].update(imageId="337c40d8-c903-4e28-8498-7cbc372ba578"),
            "Invalid value for screenshots.imageId. Image not found",
        ),
        (
            lambda b: b.update(heroImage="337c40d8-c903-4e28-8498-7cbc372ba578"),
            "Invalid value for heroImage. Image not found",
        ),
        (
            lambda b: b["highlights"][0].update(thumbnail="x"),
            "Invalid value for highlights.thumbnail. Must be a valid UUID",
        ),
        (
            lambda b: b["deploymentInstructions"][0].pop("body"),
            "Invalid value for deploymentInstructions.body. Required field is missing",
        ),
        (
            lambda b: b["deploymentInstructions"][0]["screenshot"].update(imageId="x"),
            "Invalid value for deploymentInstructions.screenshot.imageId. Must be a valid UUID",
        ),
        (
            lambda b: b["developerLinks"].update(eula="not a link"),
            "Invalid value for developerLinks.eula. Must be a valid URL",
        ),
    ],
)
def test_create_validation(
    api: Api, dc: str, version: int, images: dict[str, str], change: Any, expected: str
) -> None:
    body = listing_body(images)
    change(body)
    response = api.post(listing_path(dc, version), json=body)
    assert response.status_code == 400
    check(response, LISTING)
    assert expected in details(response), details(response)
    assert api.sandbox.state()["apps"][dc]["listings"] == {}


def test_images_must_be_this_accounts(
    api: Api, rival: Api, dc: str, version: int, images: dict[str, str]
) -> None:
    body = listing_body(images)
    body["heroImage"] = rival.image_id(png_bytes(), "hero")
    response = api.post(listing_path(dc, version), json=body)
    assert details(response) == ["Invalid value for heroImage. Image not found"]


def test_no_highlights_is_fine(api: Api, dc: str, version: int) -> None:
    response = api.post(listing_path(dc, version), json={"state": "PRIVATE"})
    assert response.status_code == 201


def test_prefixed_image_ids_are_accepted_by_listings(make_sandbox) -> None:  # type: ignore[no-untyped-def]
    api = Api(make_sandbox(image_id_format="prefixed"))
    dc = api.app_software_id("com.example.timesheets", "datacenter")
    new_version(api, dc, 100)
    hero = api.image_id(png_bytes(), "hero")
    assert hero.startswith("img-")
    assert (
        api.post(listing_path(dc, 100), json={"state": "PUBLIC", "heroImage": hero}).status_code
        == 201
    )


def update_body(current: dict[str, Any], **changes: Any) -> dict[str, Any]:
    body = {
        k: copy.deepcopy(v)
        for k, v in current.items()
        if k not in ("approvalDetails", "buildNumber", "appSoftwareId")
    }
    body.update(changes)
    return body


def test_put_returns_the_updated_listing(
    api: Api, dc: str, version: int, images: dict[str, str]
) -> None:
    create_listing(api, dc, version, images)
    current = api.get(listing_path(dc, version)).json()
    body = update_body(current, moreDetails="<p>New</p>")
    validate_request("PUT", LISTING, body)
    response = api.put(listing_path(dc, version), json=body)
    updated = check(response, LISTING)
    assert response.status_code == 200
    assert updated["moreDetails"] == "<p>New</p>"
    assert updated["revision"] == 2
    assert api.get(listing_path(dc, version)).json() == updated


def test_put_with_stale_revision_or_new_approval_status(
    api: Api, dc: str, version: int, images: dict[str, str]
) -> None:
    create_listing(api, dc, version, images)
    current = api.get(listing_path(dc, version)).json()
    assert api.put(listing_path(dc, version), json=update_body(current)).status_code == 200
    response = api.put(listing_path(dc, version), json=update_body(current))
    check(response, LISTING)
    assert details(response) == [
        "Invalid value for revision. Revision mismatch - a more recent version exists"
    ]
    fresh = api.get(listing_path(dc, version)).json()
    response = api.put(
        listing_path(dc, version), json=update_body(fresh, approvalStatus="APPROVED")
    )
    assert details(response) == [
        "Invalid value for approvalStatus. Approval status transitions are not allowed"
    ]
    response = api.put(
        listing_path(dc, version), json=update_body(fresh, approvalStatus=None, revision=None)
    )
    assert set(details(response)) == {
        "Invalid value for approvalStatus. Required field is missing",
        "Invalid value for revision. Required field is missing",
    }


def test_only_public_version_cannot_go_private(
    api: Api, dc: str, version: int, images: dict[str, str]
) -> None:
    create_listing(api, dc, version, images, "PUBLIC")
    current = api.get(listing_path(dc, version)).json()
    response = api.put(listing_path(dc, version), json=update_body(current, state="PRIVATE"))
    assert response.status_code == 400
    assert "only public version" in details(response)[0]
    other = new_version(api, dc, 2005000)
    create_listing(api, dc, other, images, "PUBLIC")
    response = api.put(listing_path(dc, version), json=update_body(current, state="PRIVATE"))
    assert response.status_code == 200
    assert response.json()["state"] == "PRIVATE"


def test_all_listings(api: Api, dc: str, version: int, images: dict[str, str]) -> None:
    create_listing(api, dc, version, images, "PUBLIC")
    other = new_version(api, dc, 2005000)
    create_listing(api, dc, other, images, "PRIVATE")
    path = f"/rest/3/app-software/{dc}/listings/all"
    body = check(api.get(path), ALL)
    assert [v["buildNumber"] for v in body["versions"]] == [other, version]
    body = check(api.get(path, params={"state": "PUBLIC"}), ALL)
    assert [v["buildNumber"] for v in body["versions"]] == [version]
    first = check(api.get(path, params={"limit": 1}), ALL)
    assert len(first["versions"]) == 1 and "next" in first["links"]


@pytest.mark.parametrize(
    ("params", "detail"),
    [
        ({"limit": 99}, "limit must be between 1 and 50"),
        ({"limit": "ten"}, "limit must be between 1 and 50"),
        ({"cursor": "not-a-cursor"}, "Invalid cursor"),
    ],
)
def test_all_listings_bad_paging_is_a_400_with_the_error_envelope(
    api: Api, dc: str, version: int, images: dict[str, str], params: dict[str, Any], detail: str
) -> None:
    create_listing(api, dc, version, images, "PUBLIC")
    response = api.get(f"/rest/3/app-software/{dc}/listings/all", params=params)
    assert response.status_code == 400
    body = response.json()  # like every other 400 of the sandbox, never an empty body
    validate_schema("ErrorResponse", body)
    assert [(e["code"], e["detail"]) for e in body["errors"]] == [("INVALID_PARAMETER", detail)]


@pytest.mark.parametrize(
    "params", [{"state": "HIDDEN"}, {"approvalStatus": "PENDING"}, {"approvalStatus": "approved"}]
)
def test_all_listings_unknown_filter_values_match_nothing_as_live(
    api: Api, dc: str, version: int, images: dict[str, str], params: dict[str, Any]
) -> None:
    create_listing(api, dc, version, images, "PUBLIC")
    body = check(api.get(f"/rest/3/app-software/{dc}/listings/all", params=params), ALL)
    assert body["versions"] == []
