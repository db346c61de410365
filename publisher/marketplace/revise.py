"""One change to one live document: GET, change, PUT with its `revision`, re-reading once when
someone else changed it meanwhile (REVISION_MISMATCH). Used by `compat bump` and `yank`."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from publisher import events as ev
from publisher.errors import RejectedError
from publisher.marketplace.answers import Json
from publisher.marketplace.errors import ApiError
from publisher.marketplace.retry import RetryPolicy
from publisher.publish.document_steps import _revision_mismatch

Change = Callable[[Json], Json | None]  # the PUT body for a live document; None: nothing to do


def put_revised(
    policy: RetryPolicy,
    emit: ev.Emit,
    title: str,
    read: Callable[[], Json | None],
    change: Change,
    put: Callable[[Json], None],
    live: Json | None = None,
) -> Json | None:
    """The body sent, or None when the live document needed no change."""
    if live is None:
        live = policy.read(f"read {title}", read)
    if live is None:
        raise RejectedError(f"{title} is not on Marketplace")

    def settled() -> Json | None:
        current = read()  # after an unknown outcome: done if nothing is left to change
        return current if current is not None and change(current) is None else None

    for attempt in (1, 2):
        body = change(live)
        if body is None:
            return None
        try:
            policy.write(f"update {title}", partial(_sent, put, body), settled)
            return body
        except ApiError as exc:
            if attempt == 2 or not _revision_mismatch(exc):
                raise
            emit(ev.Retrying(f"update {title}", 1, "revision changed meanwhile: re-read", 0.0))
            live = policy.read(f"re-read {title}", read)
            if live is None:
                raise
    raise AssertionError("unreachable")


def _sent(put: Callable[[Json], None], body: Json) -> Json:
    put(body)
    return body
