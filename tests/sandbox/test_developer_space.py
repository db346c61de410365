"""Developer spaces, the vendor id -> developer id lookup, a developer's apps (cursor pages), the
`archived` flag on app-key lookups, and host versions added at run time (control API)."""

from __future__ import annotations

from typing import Any

import requests

from tests.support.api import Api, check
from tests.support.openapi import validate_response

SPACE = "/rest/3/developer-space/{developerId}"
VENDOR = "/rest/3/developer-space/vendor/{vendorId}"
APPS = "/rest/3/product-listing/developer-space/{developerId}"
APP_KEY = "/rest/3/app-software/app-key/{appKey}"

MANY = {
    "accounts": [
        {
            "email": "many@example.com",
            "token": "many-token",
            "apps": [
                {"key": f"com.example.app{i:02d}", "hosting": ["datacenter"], "state": "private"}
                if i % 5 == 0
                else {"key": f"com.example.app{i:02d}", "hosting": ["datacenter", "server"]}
                for i in range(25)
            ],
        },
        {"email": "other@example.com", "token": "other-token", "apps": []},
    ]
}


def test_vendor_id_resolves_to_the_developer_space(api: Api) -> None:
    developer_id, vendor_id = api.sandbox.developer_ids()
    found = check(api.get(f"/rest/3/developer-space/vendor/{vendor_id}"), VENDOR)
    assert found == {"developerId": developer_id}
    space = check(api.get(f"/rest/3/developer-space/{developer_id}"), SPACE)
    assert space["id"] == developer_id and space["vendorId"] == vendor_id
    assert space["status"] == "ACTIVE"


def test_unknown_vendor_and_developer_ids_are_404(api: Api) -> None:
    developer_id, _ = api.sandbox.developer_ids()
    assert check(api.get(f"/rest/3/developer-space/vendor/{1}"), VENDOR) is None
    response = api.get(f"/rest/3/developer-space/vendor/{developer_id}")  # the UUID given instead
    assert response.status_code == 404
    response = api.get("/rest/3/developer-space/00000000-0000-0000-0000-000000000000")
    assert response.status_code == 404


def all_items(api: Api, first: str) -> tuple[list[dict[str, Any]], int]:
    items: list[dict[str, Any]] = []
    url: str | None = first
    for pages in range(20):  # bounded
        if url is None:
            return items, pages
        body = check(api.get(url), APPS)
        items += body["items"]
        url = body["links"].get("next")
    raise AssertionError("pagination did not end")


def test_apps_come_in_cursor_pages_of_ten_and_private_ones_on_request(make_sandbox: Any) -> None:
    sb = make_sandbox(seed=MANY)
    api = Api(sb, ("many@example.com", "many-token"))
    developer_id, _ = sb.developer_ids()
    found, pages = all_items(api, f"/rest/3/product-listing/developer-space/{developer_id}")
    assert pages == 2 and len(found) == 20  # the five private apps are hidden
    everything, pages = all_items(
        api, f"/rest/3/product-listing/developer-space/{developer_id}?includePrivate=true"
    )
    assert pages == 3 and len(everything) == 25
    assert len({a["appKey"] for a in everything}) == 25
    assert {a["state"] for a in everything} == {"PUBLIC", "PRIVATE"}


def test_apps_of_a_numeric_id_are_400_and_of_another_vendor_403(make_sandbox: Any) -> None:
    sb = make_sandbox(seed=MANY)
    developer_id, vendor_id = sb.developer_ids()
    api = Api(sb, ("other@example.com", "other-token"))
    response = api.get(f"/rest/3/product-listing/developer-space/{vendor_id}")
    assert response.status_code == 400
    validate_response("GET", APPS, 400, None)
    response = api.get(f"/rest/3/product-listing/developer-space/{developer_id}")
    assert response.status_code == 403 and not response.content


def test_archived_app_software_is_flagged(make_sandbox: Any) -> None:
    seed = {
        "accounts": [
            {
                "email": "a@example.com",
                "token": "a-token",
                "apps": [
                    {
                        "key": "com.example.old",
                        "hosting": ["server", "datacenter"],
                        "archived": ["server"],
                    }
                ],
            }
        ]
    }
    sb = make_sandbox(seed=seed)
    body = check(
        Api(sb, ("a@example.com", "a-token")).get("/rest/3/app-software/app-key/com.example.old"),
        APP_KEY,
    )
    assert {e["hosting"]: e["archived"] for e in body} == {"datacenter": False, "server": True}


def test_a_host_version_added_at_run_time_is_served_newest_first(api: Api) -> None:
    jira = api.parent_id("Jira")
    before = api.get(f"/rest/3/parent-software/{jira}/versions", params={"limit": 1}).json()
    newest = before["versions"][0]["buildNumber"]
    added = requests.post(
        f"{api.base}/_sandbox/parent-software/{jira}/versions",
        json={"buildNumber": newest + 1, "versionNumber": "99.0.0"},
        timeout=10,
    )
    assert added.status_code == 201
    after = api.get(f"/rest/3/parent-software/{jira}/versions", params={"limit": 1}).json()
    assert after["versions"][0]["versionNumber"] == "99.0.0"
    again = requests.post(
        f"{api.base}/_sandbox/parent-software/{jira}/versions",
        json={"buildNumber": newest + 1, "versionNumber": "99.0.1"},
        timeout=10,
    )
    assert again.status_code == 400 and "already has" in again.json()["error"]
