"""Scripted failures: make chosen requests fail the way real networks and servers do.

Nothing is injected unless a test or rehearsal adds a Fault.
"""

from __future__ import annotations

import fnmatch
import threading
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

ACTIONS = (
    "status",
    "delay",
    "reset_request",
    "truncate_response",
    "drop_response",
    "other_bytes",
)


@dataclass(frozen=True)
class Fault:
    """Affect `times` requests matching method and path, after letting `skip` through.

    path: an exact path or an fnmatch glob (`/rest/3/app-software/*/versions`); method "*" = any.
    Actions:
      status             reply `status` with an ErrorResponse (and `Retry-After` if given); no
                         state change
      delay              sleep `seconds`, then handle normally (the write still happens)
      reset_request      close the connection while reading the request body; no state change
      truncate_response  handle normally, send the headers and half the body, close
      drop_response      handle normally (the write happens), close without any response
      other_bytes        handle normally, but serve a body of the same length whose first byte
                         is changed (an artifact download that is not what was uploaded)
    times: how many requests to affect; None = every matching request from now on.
    """

    method: str
    path: str
    action: str = "status"
    status: int = 503
    retry_after: int | None = None
    seconds: float = 0.0
    skip: int = 0
    times: int | None = 1
    code: str | None = None  # status only: the error code and detail of the body (a rejection
    detail: str | None = None  # naming a field: "Invalid value for changelog.releaseNotes. ...")

    def __post_init__(self) -> None:
        if self.action not in ACTIONS:
            raise ValueError(f"Fault.action must be one of {', '.join(ACTIONS)}")
        if self.action == "status" and not 100 <= self.status <= 599:
            raise ValueError("Fault.status must be an HTTP status")
        if self.skip < 0 or (self.times is not None and self.times < 1):
            raise ValueError("Fault.skip must be >= 0 and Fault.times >= 1 (or None)")
        if self.seconds < 0:
            raise ValueError("Fault.seconds must be >= 0")
        if not self.path.startswith("/"):
            raise ValueError("Fault.path must start with /")

    def matches(self, method: str, path: str) -> bool:
        if self.method != "*" and self.method.upper() != method.upper():
            return False
        return self.path == path or fnmatch.fnmatchcase(path, self.path)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Fault:
        names = {f.name for f in fields(cls)}
        unknown = set(data) - names
        if unknown:
            raise ValueError(f"unknown Fault fields: {sorted(unknown)}")
        try:
            return cls(**data)
        except TypeError as exc:
            raise ValueError(str(exc)) from None


class _Armed:
    def __init__(self, fault: Fault) -> None:
        self.fault = fault
        self.skip = fault.skip
        self.times = fault.times


class FaultBook:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._armed: list[_Armed] = []

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._armed.append(_Armed(fault))

    def clear(self) -> None:
        with self._lock:
            self._armed.clear()

    def take(self, method: str, path: str) -> Fault | None:
        """The first armed fault this request triggers (counting skips), if any."""
        with self._lock:
            for armed in self._armed:
                if not armed.fault.matches(method, path):
                    continue
                if armed.skip > 0:
                    armed.skip -= 1
                    continue
                if armed.times is not None:
                    armed.times -= 1
                    if armed.times == 0:
                        self._armed.remove(armed)
                return armed.fault
            return None

    def pending(self) -> list[dict[str, Any]]:
        with self._lock:
            return [
                {**asdict(a.fault), "skipLeft": a.skip, "timesLeft": a.times} for a in self._armed
            ]
