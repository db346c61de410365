"""Everything with a side effect on time, handed to a command so tests can drive it, and the
test-only knobs that shorten it (honoured only against a loopback API such as the sandbox)."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from publisher.marketplace.connection import Connection
from publisher.marketplace.session import Timeouts
from publisher.marketplace.transfer import Deadlines
from publisher.state.ledger import Limits


@dataclass(frozen=True)
class Seams:
    clock: Callable[[], float] = time.time
    sleep: Callable[[float], None] = time.sleep
    limits: Limits = field(default_factory=Limits)
    timeouts: Timeouts = field(default_factory=Timeouts)
    retry_initial: float = 1.0
    retry_attempts: int = 5
    deadlines: Deadlines = field(default_factory=Deadlines)


def seams_from(env: Mapping[str, str], connection: Connection) -> Seams:
    """Shorter spacing, timeouts and retry waits from MPAC_UPLOAD_SPACING, MPAC_HTTP_TIMEOUT and
    MPAC_RETRY_INITIAL, only when the API is on this machine; the defaults otherwise."""
    if not connection.is_loopback:
        return Seams()
    limits, timeouts = Limits(), Timeouts()
    spacing = _number(env.get("MPAC_UPLOAD_SPACING"))
    if spacing is not None:
        limits = Limits(spacing=spacing)
    timeout = _number(env.get("MPAC_HTTP_TIMEOUT"))
    if timeout is not None:
        timeouts = Timeouts(connect=timeout, read=timeout, upload_read=timeout)
    initial = _number(env.get("MPAC_RETRY_INITIAL"))
    return Seams(
        limits=limits, timeouts=timeouts, retry_initial=1.0 if initial is None else initial
    )


def _number(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None
