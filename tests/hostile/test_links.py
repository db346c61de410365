"""Server-supplied pagination links are followed like redirects: same origin as the API root or
refused, known breakage repaired, and paging always ends (issue 10 #1)."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from publisher.marketplace.errors import UnexpectedAnswer
from publisher.marketplace.paging import cursor_pages, next_page
from publisher.sandbox import Sandbox
from tests.support.hostile import HostileServer, capture_server
from tests.support.publisher import Publisher

PARENTS = r"^/rest/3/parent-software(\?|$)"


def _cursor(sandbox: Sandbox) -> str:
    """A real cursor for the second parent-software page of size 1, from the sandbox itself."""
    answer = requests.get(
        f"{sandbox.url}/rest/3/parent-software",
        params={"limit": 1},
        auth=sandbox.credentials,
        timeout=10,
    ).json()
    following = str(answer["links"]["next"])
    return following.split("cursor=", 1)[1].split("&", 1)[0]


def _first_page_links_to(proxy: HostileServer, link: Any) -> None:
    """The first parent-software page keeps one entry and points `links.next` at `link`."""

    def change(page: dict[str, Any]) -> dict[str, Any]:
        return {**page, "parentSoftware": page["parentSoftware"][:1], "links": {"next": link}}

    proxy.rewrite_json("GET", r"^/rest/3/parent-software\?limit=50$", change).times = 1


def _paged(proxy: HostileServer) -> list[str]:
    return [s.path for s in proxy.seen if s.path.startswith("/rest/3/parent-software?")]


def test_pagination_link_to_another_port_gets_no_credentials(
    via_proxy: Publisher, proxy: HostileServer
) -> None:
    with capture_server({"parentSoftware": []}) as elsewhere:
        _first_page_links_to(proxy, f"{elsewhere.url}/rest/3/parent-software?cursor=abc")
        run = via_proxy()
        assert elsewhere.seen == [], "the other server must not be contacted at all"
    assert run.code == 8, run.text
    assert "Marketplace answered something unexpected" in run.text
    assert "not the API root" in run.text and "links.next" in run.text


@pytest.mark.parametrize(
    "link",
    [
        "https://evil.example.com/rest/3/parent-software?cursor=abc",
        "http://api.atlassian.com/marketplace/rest/3/parent-software?cursor=abc",
        "https://api.atlassian.com:8443/marketplace/rest/3/parent-software?cursor=abc",
        "//evil.example.com/rest/3/parent-software?cursor=abc",
    ],
    ids=["another host", "plain http", "another port", "scheme-relative host"],
)
def test_pagination_link_off_the_api_origin_is_refused(link: str) -> None:
    root = "https://api.atlassian.com/marketplace"
    with pytest.raises(UnexpectedAnswer, match="not the API root"):
        next_page(root, "/parent-software", {"next": link}, "GET /rest/3/parent-software")


@pytest.mark.parametrize(
    "form",
    [
        "{root}/rest/3/parent-software/parent-software?limit=1&cursor={c}",
        "/parent-software?limit=1&cursor={c}",
        "{root}/parent-software?limit=1&cursor={c}",
        {"href": "/rest/3/parent-software?limit=1&cursor={c}"},
    ],
    ids=["doubled segment", "path without /rest/3", "absolute without /rest/3", "next as {href}"],
)
def test_broken_pagination_links_are_repaired_and_followed(
    via_proxy: Publisher, proxy: HostileServer, sandbox: Sandbox, form: Any
) -> None:
    cursor = _cursor(sandbox)
    if isinstance(form, dict):
        link: Any = {"href": form["href"].format(c=cursor)}
    else:
        link = form.format(root=proxy.url, c=cursor)
    _first_page_links_to(proxy, link)
    run = via_proxy()
    assert run.code == 0, run.text
    assert f"/rest/3/parent-software?limit=1&cursor={cursor}" in _paged(proxy)


def test_leftover_v2_pagination_link_is_refused(via_proxy: Publisher, proxy: HostileServer) -> None:
    _first_page_links_to(proxy, "/rest/2/parent-software?offset=10")
    run = via_proxy()
    assert run.code == 8, run.text
    assert "another API version: /rest/2/parent-software" in run.text
    assert not [p for p in _paged(proxy) if "offset=10" in p]


def test_repeated_pagination_cursor_stops_at_once(
    via_proxy: Publisher, proxy: HostileServer, sandbox: Sandbox
) -> None:
    cursor = _cursor(sandbox)
    again = f"/rest/3/parent-software?limit=50&cursor={cursor}"
    proxy.rewrite_json("GET", PARENTS, lambda page: {**page, "links": {"next": again}})
    run = via_proxy()
    assert run.code == 8, run.text
    assert "links.next leads back to a page already read" in run.text
    assert len(_paged(proxy)) == 2  # the first page, the cursor page, and no third


def test_a_next_link_back_to_the_first_page_stops_at_once() -> None:
    served: list[str] = []

    def fetch(url: str, params: dict[str, Any] | None) -> Any:
        served.append(url)
        return {"items": [], "links": {"next": "/rest/3/x?limit=50"}}

    root = "https://api.atlassian.com/marketplace"
    with pytest.raises(UnexpectedAnswer, match="a page already read"):
        list(cursor_pages(fetch, root, "/x", "items", params={"limit": 50}))
    assert len(served) == 1


def test_endless_fresh_cursors_are_bounded() -> None:
    served: list[str] = []

    def fetch(url: str, params: dict[str, Any] | None) -> Any:
        served.append(url)
        return {"items": [{"n": len(served)}], "links": {"next": f"/x?cursor={len(served)}"}}

    root = "https://api.atlassian.com/marketplace"
    with pytest.raises(UnexpectedAnswer, match="more than 5 pages"):
        list(cursor_pages(fetch, root, "/x", "items", max_pages=5))
    assert len(served) == 5


@pytest.mark.parametrize(
    ("links", "what"),
    [("oops", "links is a string"), ({"next": 7}, "links.next is an integer")],
)
def test_wrongly_typed_links_are_an_unexpected_answer(links: Any, what: str) -> None:
    with pytest.raises(UnexpectedAnswer, match=what):
        next_page("https://api.atlassian.com/marketplace", "/x", links, "GET /rest/3/x")
