"""What handlers see and return: a parsed request with a streaming body, and a finished response."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from typing import Any

from publisher.sandbox.streams import BodyReader, read_limited

MAX_JSON_BODY = 2_000_000


class BadJson(ValueError):
    """The body is not the JSON document the endpoint expects."""


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: Message
    body: BodyReader
    base_url: str
    params: dict[str, str] = field(default_factory=dict)
    account: str | None = None
    summary: Any = None  # what the journal records about the body
    outcome: str | None = None  # a handler may label its result (e.g. "rate-limited")
    link_style: str = "intact"  # how pagination links come out (settings.link_style)
    foreign_root: str = ""  # where "other-host" links point
    page_cap: int = 50  # the most items one page holds, whatever `limit` says

    def query_one(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else None

    def read_json(self) -> Any:
        """The JSON body; raises BadJson (the caller picks the error envelope)."""
        raw = read_limited(self.body, MAX_JSON_BODY)
        if raw is None:
            self.summary = {"json": "too large"}
            raise BadJson("Request body is too large")
        try:
            value = json.loads(raw.decode("utf-8")) if raw.strip() else None
        except (UnicodeDecodeError, ValueError):
            self.summary = {"invalid-json-bytes": len(raw)}
            raise BadJson("Request body is not valid JSON") from None
        self.summary = value if len(raw) <= 64 * 1024 else {"json-bytes": len(raw)}
        if value is None:
            raise BadJson("Request body is missing")
        return value


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    # A large body sent from a file in chunks (an artifact download), so memory stays flat;
    # `body` is then empty and Content-Length is the file's size.
    file: Path | None = None


def json_response(status: int, value: Any, headers: Mapping[str, str] | None = None) -> Response:
    body = json.dumps(value, separators=(",", ":")).encode("utf-8")
    return Response(status, body, {"Content-Type": "application/json", **(headers or {})})


def empty_response(status: int, headers: Mapping[str, str] | None = None) -> Response:
    return Response(status, b"", dict(headers or {}))
