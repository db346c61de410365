"""Links Marketplace hands us (`links.next` of cursor pages) are followed like redirects.

A link may only lead back to the endpoint we asked, on the API root's own scheme and host:port:
the credentials go nowhere else. Known breakage of real links is repaired (a path without
`/rest/3`, a doubled segment such as `/export/export`, `next` as a string or `{href}`); anything
else is refused with a clear message, and paging is bounded and stops on a repeated page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

from publisher.marketplace.answers import Json, describe, document, expect, items
from publisher.marketplace.errors import UnexpectedAnswer

MAX_PAGES = 200  # 200 pages of 50 entries is far beyond any real listing
API = "/rest/3"
_DEFAULT_PORTS = {"http": 80, "https": 443}

FetchPage = Callable[[str, dict[str, Any] | None], Any]


def cursor_pages(
    fetch: FetchPage,
    root: str,
    endpoint: str,
    field: str,
    *,
    params: dict[str, Any] | None = None,
    max_pages: int | None = None,
) -> Iterator[Json]:
    """Every entry in `field` of the cursor-paged `endpoint` (a path under /rest/3).

    `fetch(url, params)` performs one GET and returns the parsed answer."""
    url, query = f"{root}{API}{endpoint}", params
    where = f"GET {API}{endpoint}"
    read = {f"{url}?{urlencode(params)}" if params else url}
    cursors: set[str] = set()
    max_pages = max_pages or MAX_PAGES  # read at call time: a test may lower it
    for _ in range(max_pages):
        page = document(fetch(url, query), where)
        entries = page.get(field)
        yield from items([] if entries is None else entries, field, where)
        following = next_page(root, endpoint, page.get("links"), where)
        if following is None:
            return
        cursor = parse_qs(urlsplit(following).query).get("cursor", [""])[0]
        if following in read or (cursor and cursor in cursors):
            raise UnexpectedAnswer("links.next leads back to a page already read", where)
        read.add(following)
        if cursor:
            cursors.add(cursor)
        url, query = following, None
    raise UnexpectedAnswer(f"more than {max_pages} pages; stopped following links.next", where)


def next_page(root: str, endpoint: str, links: Any, where: str) -> str | None:
    """The URL of the next page re-rooted on the API root, None at the end, or refused."""
    if links is None:
        return None
    found = expect(links, dict, "links", where).get("next")
    if isinstance(found, dict):
        found = found.get("href")
    if found is None or found == "":
        return None
    if not isinstance(found, str):
        raise UnexpectedAnswer(f"links.next is {describe(found)}, expected a link", where)
    return _rerooted(root, endpoint, found.strip(), where)


def _rerooted(root: str, endpoint: str, link: str, where: str) -> str:
    base = urlsplit(root)
    target = urlsplit(urljoin(f"{root}{API}{endpoint}", link))
    if _origin(target.scheme, target.hostname, target.port) != _origin(
        base.scheme, base.hostname, base.port
    ):
        raise UnexpectedAnswer(
            f"links.next points at {target.scheme}://{target.netloc}, not the API root "
            f"{base.scheme}://{base.netloc}; not followed (credentials go only to the API root)",
            where,
        )
    path = target.path
    if base.path and (path == base.path or path.startswith(base.path + "/")):
        path = path[len(base.path) :]
    if path.startswith("/rest/") and not (path == API or path.startswith(API + "/")):
        raise UnexpectedAnswer(f"links.next is a link into another API version: {path}", where)
    path = path[len(API) :] if path.startswith(API + "/") else path
    if _collapsed(path) != _collapsed(endpoint):
        raise UnexpectedAnswer(f"links.next leads to {path}, not to {endpoint}", where)
    query = f"?{target.query}" if target.query else ""
    return f"{root}{API}{endpoint}{query}"


def _origin(scheme: str, host: str | None, port: int | None) -> tuple[str, str, int | None]:
    scheme = scheme.lower()
    return scheme, (host or "").lower(), port or _DEFAULT_PORTS.get(scheme)


def _collapsed(path: str) -> tuple[str, ...]:
    """Path segments with empty and adjacent doubled ones (`/export/export`) removed."""
    out: list[str] = []
    for segment in path.split("/"):
        if segment and (not out or out[-1] != segment):
            out.append(segment)
    return tuple(out)
