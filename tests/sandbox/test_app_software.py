"""GET /rest/3/app-software/app-key/{appKey}."""

from __future__ import annotations

from tests.support.api import Api, check

APP_KEY = "/rest/3/app-software/app-key/{appKey}"


def test_lists_one_app_software_per_hosting(api: Api) -> None:
    body = check(api.get("/rest/3/app-software/app-key/com.example.timesheets"), APP_KEY)
    by_hosting = {entry["hosting"]: entry for entry in body}
    assert set(by_hosting) == {"datacenter", "server", "cloud"}
    assert by_hosting["datacenter"]["complianceBoundaries"] is None
    assert by_hosting["server"]["complianceBoundaries"] is None
    assert by_hosting["cloud"]["complianceBoundaries"] == ["commercial"]
    assert len({entry["appSoftwareId"] for entry in body}) == 3


def test_hosting_filter(api: Api) -> None:
    path = "/rest/3/app-software/app-key/com.example.timesheets"
    body = check(api.get(path, params={"hosting": "datacenter"}), APP_KEY)
    assert [entry["hosting"] for entry in body] == ["datacenter"]
    body = check(api.get(path, params={"complianceBoundaries": "commercial"}), APP_KEY)
    assert [entry["hosting"] for entry in body] == ["cloud"]


def test_ids_are_stable_across_sandboxes(api: Api, make_sandbox) -> None:  # type: ignore[no-untyped-def]
    other = Api(make_sandbox())
    key = "com.example.timesheets"
    assert api.app_software_id(key, "server") == other.app_software_id(key, "server")


def test_invalid_hosting_is_400_invalid_parameter(api: Api) -> None:
    response = api.get(
        "/rest/3/app-software/app-key/com.example.timesheets", params={"hosting": "dc"}
    )
    error = check(response, APP_KEY)["errors"][0]
    assert response.status_code == 400
    assert error["code"] == "INVALID_PARAMETER"
    assert error["detail"] == (
        "Invalid hosting type provided. Hosting must be one of: cloud, server, datacenter"
    )
    response = api.get(
        "/rest/3/app-software/app-key/com.example.timesheets",
        params={"complianceBoundaries": "moon"},
    )
    assert response.status_code == 400
    check(response, APP_KEY)


def test_unknown_app_is_404(api: Api) -> None:
    response = api.get("/rest/3/app-software/app-key/com.example.nope")
    error = check(response, APP_KEY)["errors"][0]
    assert (response.status_code, error["code"]) == (404, "APP_KEY_NOT_FOUND")
    assert "com.example.nope" in error["detail"]


def test_another_accounts_app_is_403_without_body(api: Api) -> None:
    response = api.get("/rest/3/app-software/app-key/com.example.rival.reports")
    # The spec declares no 403 on this path; the sandbox answers as the other v3 endpoints do.
    assert (response.status_code, response.content) == (403, b"")


def test_auto_create_apps(make_sandbox) -> None:  # type: ignore[no-untyped-def]
    sandbox = make_sandbox(auto_create_apps=True)
    api = Api(sandbox)
    body = check(api.get("/rest/3/app-software/app-key/io.mine.app"), APP_KEY)
    assert {entry["hosting"] for entry in body} == {"datacenter", "server", "cloud"}
    owners = {
        app["owner"] for app in sandbox.state()["apps"].values() if app["appKey"] == "io.mine.app"
    }
    assert owners == {"demo@example.com"}
    # Still another account's app for everyone else.
    rival = Api(sandbox, sandbox.account_credentials("rival@example.com"))
    assert rival.get("/rest/3/app-software/app-key/io.mine.app").status_code == 403
