"""A record of every API call, for tests and rehearsals; credentials never enter it."""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterable
from typing import Any

REDACTED = "<redacted>"
_SECRET_HEADERS = {"authorization", "proxy-authorization", "cookie", "x-api-token"}


def redact_headers(items: Iterable[tuple[str, str]]) -> dict[str, str]:
    headers: dict[str, str] = {}
    for name, value in items:
        headers[name] = REDACTED if name.lower() in _SECRET_HEADERS else value
    return headers


class Journal:
    def __init__(self, limit: int = 10_000) -> None:
        self._lock = threading.Lock()
        self._entries: list[dict[str, Any]] = []
        self._limit = limit  # oldest entries go first, so a long rehearsal stays bounded

    def record(self, entry: dict[str, Any]) -> None:
        with self._lock:
            self._entries.append(entry)
            if len(self._entries) > self._limit:
                del self._entries[: len(self._entries) - self._limit]

    def entries(self) -> list[dict[str, Any]]:
        with self._lock:
            return copy.deepcopy(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
