"""The one retry policy, and the rule that a write whose outcome is unknown is re-read first.

Reads are retried on connection errors, 429, 502, 503 and 504 with exponential backoff and jitter,
honouring Retry-After (seconds or an HTTP date, capped). A write whose fate is unknown (a timeout
after the body was sent, a dropped connection, a 500/502/504) is never repeated blindly: the
caller's `reconcile` re-reads the live state first, and only a write that did not
happen is sent again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    stop_before_delay,
    wait_exponential_jitter,
)

from publisher import events as ev
from publisher.marketplace.errors import ApiError, CutError, DeadlineError, TransportError

T = TypeVar("T")


@dataclass
class RetryPolicy:
    attempts: int = 5
    total_seconds: float = 300.0
    max_retry_after: float = 120.0  # a longer Retry-After ends the run with advice instead
    initial: float = 1.0
    max_backoff: float = 30.0
    sleep: Callable[[float], None] = time.sleep
    emit: ev.Emit = field(default=ev.discard)
    unsettled: list[str] = field(default_factory=list)  # writes whose outcome stayed unknown

    def read(self, what: str, call: Callable[[], T]) -> T:
        """A call without side effects: retried freely while the error is transient."""
        return self._retrying(what)(call)

    def write(
        self,
        what: str,
        call: Callable[[], T],
        reconcile: Callable[[], T | None],
        *,
        already_done: Callable[[BaseException], bool] = lambda exc: False,
    ) -> T:
        """A call with side effects. After an unknown outcome, `reconcile()` re-reads the live
        state and returns the result if the write took effect (None if it did not); an
        "already exists" answer (`already_done`), at any attempt, is verified the same way."""
        uncertain = False

        def attempt() -> T:
            nonlocal uncertain
            if uncertain:
                found = self.read(f"re-read after {what}", reconcile)
                if found is not None:
                    return found
            try:
                return call()
            except Exception as exc:
                if outcome_unknown(exc):
                    uncertain = True
                elif already_done(exc):  # e.g. a concurrent run created it: verify, not fail
                    found = self.read(f"re-read after {what}", reconcile)
                    if found is not None:
                        return found
                raise

        try:
            return self._retrying(what)(attempt)
        except Exception:
            if uncertain:
                self.unsettled.append(what)
            raise

    def _retrying(self, what: str) -> Retrying:
        backoff = wait_exponential_jitter(
            multiplier=self.initial, max=self.max_backoff, jitter=self.initial
        )

        def wait(state: RetryCallState) -> float:
            exc = state.outcome.exception() if state.outcome else None
            after = exc.retry_after if isinstance(exc, ApiError) else None
            return after if after is not None else float(backoff(state))

        def should_retry(exc: BaseException) -> bool:
            if isinstance(exc, ApiError) and (exc.retry_after or 0) > self.max_retry_after:
                return False
            return is_transient(exc)

        def announce(state: RetryCallState) -> None:
            exc = state.outcome.exception() if state.outcome else None
            delay = state.next_action.sleep if state.next_action else 0.0
            reason = _reason(exc)
            self.emit(ev.Retrying(what, state.attempt_number, reason, delay))

        return Retrying(
            retry=retry_if_exception(should_retry),
            wait=wait,
            stop=stop_after_attempt(self.attempts) | stop_before_delay(self.total_seconds),
            sleep=self.sleep,
            before_sleep=announce,
            reraise=True,
        )


REASON_SHOWN = 160  # characters of the server's own reason on a retry line


def _reason(exc: BaseException | None) -> str:
    """`HTTP 429 TOO_MANY_REQUESTS: <the server's detail>`: a person waiting on a retry sees
    why Marketplace refused (a 429's detail is often the limit it hit), one line, cut short."""
    if isinstance(exc, ApiError):
        first = exc.entries[0] if exc.entries else None
        label = f" {first.code}" if first and first.code else ""
        detail = " ".join((first.detail or first.title).split()) if first else ""
        if len(detail) > REASON_SHOWN:
            detail = detail[: REASON_SHOWN - 1] + "…"
        return f"HTTP {exc.status}{label}" + (f": {detail}" if detail else "")
    return str(getattr(exc, "message", exc)).split(": ", 1)[-1] if exc else "unknown"


def is_transient(exc: BaseException) -> bool:
    """Worth retrying: no answer, rate limited, or a gateway/availability error; never a
    request cut by a signal (the run is stopping)."""
    if isinstance(exc, TransportError):
        return not isinstance(exc, CutError)
    return isinstance(exc, ApiError) and exc.status in (429, 502, 503, 504)


def outcome_unknown(exc: BaseException) -> bool:
    """A write failed in a way that does not tell whether it took effect."""
    if isinstance(exc, TransportError | DeadlineError):
        return exc.maybe_processed
    return isinstance(exc, ApiError) and exc.status in (500, 502, 504)
