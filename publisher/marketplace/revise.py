"""The one way a live document changes: GET, change, PUT with its `revision`, re-reading once when
someone else changed it meanwhile (REVISION_MISMATCH). v3 has no PATCH for versions or listings,
so `publish`, `compat bump` and `yank` all update through `put_revised`; the PUT body keeps the
fields the server owns as the live document has them (`with_server_fields`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial

from publisher import events as ev
from publisher.errors import RejectedError
from publisher.marketplace.answers import Json
from publisher.marketplace.errors import ApiError
from publisher.marketplace.retry import RetryPolicy

Change = Callable[[Json], Json | None]  # the PUT body for a live document; None: nothing to do

# What a PUT sends back unchanged: a version's state is changed only on Marketplace (or by yank,
# which sets it on a listing), approval is Marketplace's, and the revision guards the write.
VERSION_SERVER_FIELDS = ("state", "revision")
LISTING_SERVER_FIELDS = ("approvalStatus", "revision")


def with_server_fields(body: Json, current: Json, fields: Iterable[str]) -> Json:
    """`body` with `fields` as the live document `current` has them: a PUT never changes them."""
    return {**body, **{name: current.get(name) for name in fields}}


def revision_mismatch(exc: ApiError) -> bool:
    """Marketplace refused the PUT because the document changed since it was read."""
    return exc.status in (400, 409) and (
        "REVISION_MISMATCH" in exc.codes
        or any("revision" in f"{e.detail} {e.title}".lower() for e in exc.entries)
    )


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
            if attempt == 2 or not revision_mismatch(exc):
                raise
            emit(ev.Retrying(f"update {title}", 1, "revision changed meanwhile: re-read", 0.0))
            live = policy.read(f"re-read {title}", read)
            if live is None:
                raise
    raise AssertionError("unreachable")


def _sent(put: Callable[[Json], None], body: Json) -> Json:
    put(body)
    return body
