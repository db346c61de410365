"""Marketplace's upload limits, remembered across runs on this machine.

Artifact uploads must be at least 10 seconds apart (measured from the end of the previous one)
and stay within ~750 MB per 2 hours. The ledger records every artifact upload this machine made
for an account, so a second run waits exactly as long as the rule requires, and no longer.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from publisher.state.directory import Warn, ignore, read_json, write_json
from publisher.state.lock import WAIT_UP_TO_AN_HOUR, LockWait, locked

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
    """Uploads per account (a hash of API root and email: no address is stored in clear).

    A damaged entry (not an object, a field that is not a finite number) is skipped with a
    warning; a timestamp in the future (the clock stepped back, state copied from a skewed
    machine) is clamped to now, so no wait ever exceeds the spacing rule.
    """

    def __init__(
        self,
        path: Path,
        account: str,
        *,
        limits: Limits = Limits(),
        clock: Callable[[], float] = time.time,
        warn: Warn = ignore,
        lock_wait: LockWait = WAIT_UP_TO_AN_HOUR,
    ) -> None:
        self.path = path  # directly in the state directory (its folder is the root)
        self.lock_wait = lock_wait
        self.account = hashlib.sha256(account.encode()).hexdigest()[:16]
        self.limits = limits
        self.clock = clock
        self._warn = warn
        self._warned: set[str] = set()

    def records(self) -> list[UploadRecord]:
        now = self.clock()
        parsed = [_parse(e) for e in self._entries(read_json(self.path, self._once))]
        found = [r for r in parsed if r is not None]
        if len(found) < len(parsed):
            self._once(
                f"ignoring {len(parsed) - len(found)} damaged entries of the upload ledger "
                f"{self.path} (expected objects with numeric started, finished and size)"
            )
        ahead = max((r.finished - now for r in found), default=0.0)
        if ahead > 1.0:  # a clock step, not the resolution of two processes' clocks
            shown = f"{ahead:.0f} s" if ahead < 1e9 else "far"
            self._once(
                f"the upload ledger {self.path} records an upload {shown} in the future "
                "(the clock moved back?); counting it as finished just now"
            )
        return [UploadRecord(min(r.started, now), min(r.finished, now), r.size) for r in found]

    def wait_needed(self) -> float:
        """Seconds until the next artifact upload may start (0 when it may start now); never
        more than the spacing rule."""
        records = self.records()
        if not records:
            return 0.0
        last = max(r.finished for r in records)
        return min(self.limits.spacing, max(0.0, last + self.limits.spacing - self.clock()))

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
    def slot(self) -> Iterator[bool]:
        """Hold the machine-wide upload slot: two runs never upload at the same moment. Yields
        whether another run held it first (and so may have uploaded meanwhile)."""
        with locked(self.path, wait=self.lock_wait) as waited:
            yield waited

    def record(self, started: float, finished: float, size: int) -> None:
        """Add an upload; entries older than the budget window (or damaged) are dropped."""
        with locked(self.path.with_suffix(".write"), wait=self.lock_wait):
            document = read_json(self.path, self._once)
            now = self.clock()
            kept = [
                asdict(UploadRecord(min(r.started, now), min(r.finished, now), r.size))
                for r in (_parse(e) for e in self._entries(document))
                if r is not None and r.finished > now - self.limits.window
            ]  # a future time is stored clamped: reported once, not on every run
            kept.append(asdict(UploadRecord(started, finished, size)))
            document[self.account] = kept
            write_json(self.path, document)

    def _entries(self, document: dict[str, Any]) -> list[Any]:
        entries = document.get(self.account, [])
        if isinstance(entries, list):
            return entries
        self._once(
            f"ignoring this account's damaged entries of the upload ledger {self.path} "
            f"(expected a list, found {type(entries).__name__})"
        )
        return []

    def _once(self, message: str) -> None:
        if message not in self._warned:
            self._warned.add(message)
            self._warn(message)


def _parse(entry: Any) -> UploadRecord | None:
    """An entry as a record, or None when it is not an object of finite numbers."""
    if not isinstance(entry, dict):
        return None
    try:
        values = [float(entry[k]) for k in ("started", "finished", "size")]
    except (KeyError, TypeError, ValueError, OverflowError):
        return None
    if not all(math.isfinite(v) for v in values) or values[2] < 0:
        return None
    return UploadRecord(values[0], values[1], int(values[2]))


def budget_problem(ledger: UploadLedger, source: str, size: int | None) -> str | None:
    """Why an artifact of `size` bytes cannot be uploaded now (too large, or the 2-hour budget is
    spent), or None; `size` None: nothing is to be uploaded."""
    if size is None:
        return None
    if size > MAX_ARTIFACT_BYTES:
        return f"{source} is {size} bytes; Marketplace accepts at most 250 MB"
    frees = ledger.frees_at(size)
    if frees is None:
        return None
    if not math.isfinite(frees):  # larger than the whole budget: it never frees
        return f"{source} is {size} bytes, more than the whole upload budget"
    used = ledger.used()
    when = datetime.fromtimestamp(frees).astimezone().strftime("%H:%M:%S %Z")
    return (
        f"uploading {size} bytes would exceed Marketplace's ~750 MB per 2 hours "
        f"({used} bytes already uploaded from this machine); the budget frees at {when}"
    )
