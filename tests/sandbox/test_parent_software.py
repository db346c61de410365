"""GET /rest/3/parent-software and its versions: the host products' build numbers."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.api import Api, check
from tests.support.openapi import validate_schema

LIST = "/rest/3/parent-software"
ONE = "/rest/3/parent-software/{parentSoftwareId}"
VERSIONS = "/rest/3/parent-software/{parentSoftwareId}/versions"
BY_BUILD = "/rest/3/parent-software/{parentSoftwareId}/versions/build/{buildNumber}"
BY_NUMBER = "/rest/3/parent-software/{id}/versions/number/{versionNumber}"


def all_pages(api: Api, path: str, key: str, limit: int) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    url: str | None = f"{path}?limit={limit}"
    for _ in range(100):  # bounded
        if url is None:
            return items
        template = LIST if path == LIST else VERSIONS
        body = check(api.get(url), template)
        assert len(body[key]) <= limit
        items += body[key]
        url = body["links"].get("next")
    raise AssertionError("pagination did not end")


def test_products_have_product_key_ids_as_live(api: Api) -> None:
    body = check(api.get(LIST), LIST)
    ids = {p["name"]: p["id"] for p in body["parentSoftware"]}
    # LIVE: the ids are product keys, not UUIDs.
    assert {"jira", "confluence", "bitbucket", "bamboo", "crowd"} <= set(ids.values())
    assert ids["Jira"] == "jira" and ids["Jira Service Management"] == "jira-servicedesk"
    for product in body["parentSoftware"]:
        assert product["state"] == "active"


def test_pagination_with_cursor(api: Api) -> None:
    first = check(api.get(LIST, params={"limit": 2}), LIST)
    assert len(first["parentSoftware"]) == 2
    assert "cursor=" in first["links"]["next"]
    assert first["links"]["self"] == "/rest/3/parent-software?limit=2"
    paged = all_pages(api, LIST, "parentSoftware", 2)
    assert [p["id"] for p in paged] == [
        p["id"] for p in check(api.get(LIST), LIST)["parentSoftware"]
    ]


@pytest.mark.parametrize("limit", ["0", "51", "-1", "ten"])
def test_limit_outside_1_to_50_is_400(api: Api, limit: str) -> None:
    response = api.get(LIST, params={"limit": limit})
    assert response.status_code == 400
    # The spec declares only 200 for this path; the body is the usual ErrorResponse.
    validate_schema("ErrorResponse", response.json())
    assert response.json()["errors"][0]["detail"] == "limit must be between 1 and 50"


def test_bad_cursor_is_400(api: Api) -> None:
    response = api.get(LIST, params={"cursor": "garbage!"})
    assert response.status_code == 400


def test_jira_versions_cover_9_4_to_10_3(api: Api) -> None:
    jira = api.parent_id("Jira")
    check(api.get(f"/rest/3/parent-software/{jira}"), ONE)
    versions = all_pages(api, f"/rest/3/parent-software/{jira}/versions", "versions", 50)
    numbers = {v["versionNumber"] for v in versions}
    assert {"9.4.0", "9.12.0", "10.0.0", "10.3.0"} <= numbers
    builds = [v["buildNumber"] for v in versions]
    assert builds == sorted(builds, reverse=True)  # newest first
    assert len(set(builds)) == len(builds)


@pytest.mark.parametrize(
    ("product", "version"),
    [
        ("Confluence", "8.5.0"),
        ("Confluence", "9.2.0"),
        ("Bitbucket", "8.9.0"),
        ("Bamboo", "9.6.0"),
        ("Jira Service Management", "5.12.0"),
    ],
)
def test_other_products_have_their_lts_lines(api: Api, product: str, version: str) -> None:
    parent = api.parent_id(product)
    body = check(api.get(f"/rest/3/parent-software/{parent}/versions/number/{version}"), BY_NUMBER)
    assert body["versionNumber"] == version


def test_lookup_by_number_and_build_agree(api: Api) -> None:
    jira = api.parent_id("Jira")
    by_number = check(api.get(f"/rest/3/parent-software/{jira}/versions/number/9.12.0"), BY_NUMBER)
    assert by_number["buildNumber"] == 912000
    by_build = check(api.get(f"/rest/3/parent-software/{jira}/versions/build/912000"), BY_BUILD)
    assert by_build == by_number


def test_404s(api: Api) -> None:
    jira = api.parent_id("Jira")
    for path, template in (
        ("/rest/3/parent-software/jira-software", ONE),
        ("/rest/3/parent-software/3d235af4-145b-515e-af52-91e054b158ac/versions", VERSIONS),
        (f"/rest/3/parent-software/{jira}/versions/build/123", BY_BUILD),
        (f"/rest/3/parent-software/{jira}/versions/build/abc", BY_BUILD),
        (f"/rest/3/parent-software/{jira}/versions/number/99.0.0", BY_NUMBER),
        ("/rest/3/parent-software/JIRA/versions/number/9.12.0", BY_NUMBER),
    ):
        response = api.get(path)
        assert response.status_code == 404, path
        check(response, template)
