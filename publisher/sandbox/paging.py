"""Cursor pagination: `limit` 1..50 and an opaque `cursor` from `links.next` (a string path)."""

from __future__ import annotations

import base64
import binascii
from typing import Any, TypeVar
from urllib.parse import urlencode

from publisher.sandbox.envelope import ApiError, invalid_parameter
from publisher.sandbox.wire import Request

T = TypeVar("T")
MAX_LIMIT = 50


def _encode(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode().rstrip("=")


def _decode(cursor: str) -> int | None:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    prefix, _, number = raw.partition(":")
    if prefix != "offset" or not number.isdigit():
        return None
    return int(number)


def parse_limit(req: Request, default: int, error: ApiError | None = None) -> int:
    raw = req.query_one("limit")
    if raw is None:
        return default
    try:
        limit = int(raw)
    except ValueError:
        limit = 0
    if not 1 <= limit <= MAX_LIMIT:
        raise error or invalid_parameter(f"limit must be between 1 and {MAX_LIMIT}")
    return limit


def paginate(
    req: Request, items: list[T], default_limit: int = 25, error: ApiError | None = None
) -> tuple[list[T], dict[str, Any]]:
    """One page of `items` and its `links` {self, next?}; bad limit/cursor -> 400."""
    limit = min(parse_limit(req, default_limit, error), req.page_cap)
    cursor = req.query_one("cursor")
    offset = 0
    if cursor:
        decoded = _decode(cursor)
        if decoded is None:
            raise error or invalid_parameter("Invalid cursor")
        offset = decoded
    links: dict[str, Any] = {"self": _link(req, req.query)}
    end = offset + limit
    if end < len(items):
        query = {k: v for k, v in req.query.items() if k != "cursor"}
        query["cursor"] = [_encode(end)]
        links["next"] = _link(req, query)
    return items[offset:end], links


def _link(req: Request, query: dict[str, list[str]]) -> str:
    encoded = urlencode([(k, v) for k, values in query.items() for v in values])
    path = broken_path(req.path, req.link_style)
    if req.link_style == "other-host":
        path = req.foreign_root.rstrip("/") + path
    return f"{path}?{encoded}" if encoded else path


def broken_path(path: str, style: str) -> str:
    """LIVE: links come without /rest/3, with a doubled segment (`/export/export`), or as
    leftover v2 URLs; "intact" and "other-host" keep the path itself."""
    if style == "no-prefix" and path.startswith("/rest/3/"):
        return path[len("/rest/3") :]
    if style == "doubled":
        return f"{path}/{path.rstrip('/').rsplit('/', 1)[-1]}"
    if style == "v2" and path.startswith("/rest/3/"):
        return "/rest/2" + path[len("/rest/3") :]
    return path
