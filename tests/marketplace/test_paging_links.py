"""Next-page links are followed only under the API root (scheme, host, port), repaired when
they lack /rest/3, bounded, and never in a loop: the live service serves broken links."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from publisher.errors import UnavailableError
from publisher.marketplace.client import Marketplace
from publisher.marketplace.connection import Connection, Credentials
from tests.support.replies import reply_json

Seen = list[tuple[int, str, str | None]]


def serve(pages: dict[str, dict[str, object]], seen: Seen) -> ThreadingHTTPServer:
    class Pages(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            port = self.server.server_address[1]
            seen.append((port, self.path, self.headers.get("Authorization")))
            body = json.dumps(pages.get(self.path.split("?")[0] + _cursor(self.path), {})).encode()
            reply_json(self, 200, body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    loop = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    loop.daemon = True
    loop.start()
    return server


def _cursor(path: str) -> str:
    return "?" + path.split("?", 1)[1].split("&")[-1] if "cursor=" in path else ""


@pytest.fixture
def two_servers() -> Iterator[tuple[dict[str, dict[str, object]], Seen, int, int]]:
    pages: dict[str, dict[str, object]] = {}
    seen: Seen = []
    root, other = serve(pages, seen), serve(pages, seen)
    yield pages, seen, root.server_address[1], other.server_address[1]
    for s in (root, other):
        s.shutdown()
        s.server_close()


def client(port: int) -> Marketplace:
    return Marketplace(Connection(f"http://127.0.0.1:{port}", Credentials("a@example.com", "tok")))


APPS = "/rest/3/product-listing/developer-space/d"


def test_pagination_link_to_another_host_gets_no_credentials(two_servers: tuple) -> None:
    pages, seen, root, other = two_servers
    pages[APPS] = {
        "items": [{"appKey": "a"}],
        "links": {"next": f"http://127.0.0.1:{other}{APPS}?cursor=2"},
    }
    with pytest.raises(UnavailableError, match="not the API root"):
        list(client(root).developer_apps("d"))
    assert [port for port, _, _ in seen] == [root]  # nothing at all went to the other port


def test_pagination_link_to_another_scheme_is_refused(two_servers: tuple) -> None:
    pages, seen, root, _ = two_servers
    pages[APPS] = {"items": [], "links": {"next": f"https://127.0.0.1:{root}{APPS}?cursor=2"}}
    with pytest.raises(UnavailableError, match="not the API root"):
        list(client(root).developer_apps("d"))
    assert len(seen) == 1


def test_a_link_without_rest_3_is_repaired_and_a_href_object_is_read(two_servers: tuple) -> None:
    pages, seen, root, _ = two_servers
    pages[APPS] = {
        "items": [{"appKey": "a"}],
        "links": {"next": {"href": "/product-listing/developer-space/d?cursor=2"}},
    }
    pages[APPS + "?cursor=2"] = {"items": [{"appKey": "b"}], "links": {}}
    found = list(client(root).developer_apps("d"))
    assert [a["appKey"] for a in found] == ["a", "b"]
    assert seen[1][1] == APPS + "?cursor=2"
    assert all(auth for _, _, auth in seen)


def test_a_next_link_back_to_a_read_page_stops_the_loop(two_servers: tuple) -> None:
    pages, seen, root, _ = two_servers
    pages[APPS] = {"items": [{"appKey": "a"}], "links": {"next": f"{APPS}?cursor=2"}}
    pages[APPS + "?cursor=2"] = {"items": [{"appKey": "b"}], "links": {"next": f"{APPS}?cursor=2"}}
    with pytest.raises(UnavailableError, match="back to a page already read"):
        list(client(root).developer_apps("d"))
    assert len(seen) == 2


def test_pages_are_bounded(two_servers: tuple, monkeypatch: pytest.MonkeyPatch) -> None:
    pages, seen, root, _ = two_servers
    for n in range(10):
        pages[f"{APPS}?cursor={n}" if n else APPS] = {
            "items": [{"appKey": str(n)}],
            "links": {"next": f"{APPS}?cursor={n + 1}"},
        }
    monkeypatch.setattr("publisher.marketplace.paging.MAX_PAGES", 4)
    with pytest.raises(UnavailableError, match="more than 4 pages"):
        list(client(root).developer_apps("d"))
    assert len(seen) == 4


def test_a_v2_leftover_link_is_not_followed(two_servers: tuple) -> None:
    pages, seen, root, _ = two_servers
    pages[APPS] = {"items": [], "links": {"next": "/rest/2/addons?offset=10"}}
    with pytest.raises(UnavailableError, match="another API version"):
        list(client(root).developer_apps("d"))
    assert len(seen) == 1


def test_newest_versions_take_the_highest_builds_whatever_the_order(two_servers: tuple) -> None:
    from publisher.commands.live import newest_versions
    from publisher.marketplace.retry import RetryPolicy

    pages, _, root, _ = two_servers
    path = "/rest/3/app-software/s/versions"
    pages[path] = {
        "versions": [{"buildNumber": b} for b in (3, 9, 1)],
        "links": {"next": f"{path}?cursor=2"},
    }
    pages[path + "?cursor=2"] = {"versions": [{"buildNumber": b} for b in (7, 12, 5)], "links": {}}
    found = newest_versions(client(root), RetryPolicy(), "s", 3)
    assert [v["buildNumber"] for v in found] == [12, 9, 7]
