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
    limit = parse_limit(req, default_limit, error)
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
    return f"{req.path}?{encoded}" if encoded else req.path
