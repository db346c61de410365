"""Marketplace's upload limits, remembered across runs on this machine.

Artifact uploads must be at least 10 seconds apart (measured from the end of the previous one)
and stay within ~750 MB per 2 hours. The ledger records every artifact upload this machine made
for an account, so a second run waits exactly as long as the rule requires, and no longer.
"""

from __future__ import annotations

import contextlib
import hashlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from publisher.statedir import locked, read_json, write_json

SPACING_SECONDS = 10.0
BUDGET_BYTES = 750_000_000
BUDGET_WINDOW_SECONDS = 2 * 3600.0
MAX_ARTIFACT_BYTES = 250_000_000


@dataclass(frozen=True)
class Limits:
    spacing: float = SPACING_SECONDS
    budget_bytes: int = BUDGET_BYTES
    window: float = BUDGET_WINDOW_SECONDS


@dataclass(frozen=True)
class UploadRecord:
    started: float
    finished: float
    size: int


class UploadLedger:
    """Uploads per account (a hash of API root and email: no address is stored in clear)."""

    def __init__(
        self,
        path: Path,
        account: str,
        *,
        limits: Limits = Limits(),
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = path
        self.account = hashlib.sha256(account.encode()).hexdigest()[:16]
        self.limits = limits
        self.clock = clock

    def records(self) -> list[UploadRecord]:
        entries = read_json(self.path).get(self.account, [])
        found = []
        for e in entries if isinstance(entries, list) else []:
            try:
                found.append(
                    UploadRecord(float(e["started"]), float(e["finished"]), int(e["size"]))
                )
            except (KeyError, TypeError, ValueError):
                continue
        return found

    def wait_needed(self) -> float:
        """Seconds until the next artifact upload may start (0 when it may start now)."""
        records = self.records()
        if not records:
            return 0.0
        last = max(r.finished for r in records)
        return max(0.0, last + self.limits.spacing - self.clock())

    def used(self) -> int:
        """Bytes uploaded within the current budget window."""
        since = self.clock() - self.limits.window
        return sum(r.size for r in self.records() if r.finished > since)

    def frees_at(self, size: int) -> float | None:
        """When `size` more bytes fit the budget (a timestamp), or None if they fit now."""
        if size > self.limits.budget_bytes:
            return float("inf")
        now = self.clock()
        window = sorted(
            (r for r in self.records() if r.finished > now - self.limits.window),
            key=lambda r: r.finished,
        )
        used = sum(r.size for r in window)
        for record in window:
            if used + size <= self.limits.budget_bytes:
                break
            used -= record.size
            if used + size <= self.limits.budget_bytes:
                return record.finished + self.limits.window
        return None if used + size <= self.limits.budget_bytes else float("inf")

    @contextlib.contextmanager
    def slot(self) -> Iterator[None]:
        """Hold the machine-wide upload slot: two runs never upload at the same moment."""
        with locked(self.path):
            yield

    def record(self, started: float, finished: float, size: int) -> None:
        with locked(self.path.with_suffix(".write")):
            document = read_json(self.path)
            horizon = self.clock() - self.limits.window
            kept = [
                e
                for e in document.get(self.account, [])
                if isinstance(e, dict) and float(e.get("finished", 0)) > horizon
            ]
            kept.append({"started": started, "finished": finished, "size": size})
            document[self.account] = kept
            write_json(self.path, document)
