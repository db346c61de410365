"""Artifact upload spacing and the rolling byte budget, per account.

Documented: "Minimum wait time between uploads: 10 seconds" and "~750 MB per 2-hour period".
Undocumented (our reading, see docs/sandbox.md): spacing runs from the END of the previous upload
to the arrival of the next; an upload still in progress blocks the next one; every upload whose body
was read counts for spacing, but only stored artifacts count against the byte budget.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any


class RateLimited(Exception):
    def __init__(self, retry_after: float, detail: str) -> None:
        super().__init__(detail)
        self.retry_after = retry_after
        self.detail = detail

    @property
    def retry_after_header(self) -> str:
        """Whole seconds, rounded up, never 0."""
        return str(max(1, math.ceil(self.retry_after - 1e-9)))


@dataclass
class Upload:
    account: str
    kind: str  # "upload" or "fetch"
    started: float
    finished: float | None = None
    bytes: int = 0
    outcome: str = "in-progress"  # ok, rejected, too-large, aborted

    @property
    def stored(self) -> bool:
        return self.outcome == "ok"


class SandboxUploadLimits:
    def __init__(
        self,
        spacing: float,
        budget_bytes: int,
        budget_window: float,
        lock: threading.RLock,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.spacing = spacing
        self.budget_bytes = budget_bytes
        self.budget_window = budget_window
        self._lock = lock
        self._clock = clock
        self._uploads: list[Upload] = []

    def begin(self, account: str, kind: str, expected_bytes: int | None) -> Upload:
        """Register an upload that is about to be read, or raise RateLimited."""
        with self._lock:
            now = self._clock()
            mine = [u for u in self._uploads if u.account == account]
            self._check_spacing(mine, now)
            self._check_budget(mine, now, expected_bytes or 0)
            upload = Upload(account=account, kind=kind, started=now)
            self._uploads.append(upload)
            return upload

    def finish(self, upload: Upload, received: int, outcome: str) -> None:
        with self._lock:
            upload.finished = self._clock()
            upload.bytes = received
            upload.outcome = outcome

    def _check_spacing(self, mine: list[Upload], now: float) -> None:
        if self.spacing <= 0:
            return
        if any(u.finished is None for u in mine):
            raise RateLimited(
                self.spacing,
                "Another artifact upload is still in progress for this account. "
                f"Uploads must be at least {self.spacing:g} seconds apart.",
            )
        last = max((u.finished for u in mine if u.finished is not None), default=None)
        if last is not None and now - last < self.spacing:
            wait = self.spacing - (now - last)
            raise RateLimited(
                wait,
                f"Artifact uploads must be at least {self.spacing:g} seconds apart. "
                f"Retry after {math.ceil(wait)} seconds.",
            )

    def _check_budget(self, mine: list[Upload], now: float, expected: int) -> None:
        window_start = now - self.budget_window
        recent = sorted(
            (u for u in mine if u.stored and u.finished is not None and u.finished > window_start),
            key=lambda u: u.finished or 0.0,
        )
        used = sum(u.bytes for u in recent)
        if used == 0 or (used + expected <= self.budget_bytes and used < self.budget_bytes):
            return
        wait = self.budget_window
        remaining = used
        for upload in recent:  # oldest first: when enough has aged out of the window
            remaining -= upload.bytes
            wait = (upload.finished or now) + self.budget_window - now
            if remaining + expected <= self.budget_bytes and remaining < self.budget_bytes:
                break
        raise RateLimited(
            max(wait, 0.001),
            f"Artifact upload limit of {self.budget_bytes / 1e6:g} MB per "
            f"{self.budget_window / 3600:g} hours exceeded ({used} bytes uploaded). "
            f"Retry after {math.ceil(wait)} seconds.",
        )

    def snapshot(self) -> list[dict[str, Any]]:
        with self._lock:
            return [asdict(u) for u in self._uploads]
