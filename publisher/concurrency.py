"""Independent requests side by side: a small bounded pool, and the rules that keep it safe.

Over a real network each request costs a round trip, so requests that need nothing of each other
(the app software per hosting, the product versions, the listing and artifact reads, the image
uploads) are sent together. The rules:
- every call is waited for, even after another failed: nothing is left running behind a failure,
  so the journal and the ledger see every write that happened;
- the first failure in the order the calls were given is raised (not the first to finish), so
  the error a user sees does not depend on timing;
- at most `LIMIT` requests are in flight from one call.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from publisher import events as ev

T = TypeVar("T")
LIMIT = 6  # Marketplace is one host; browsers open 6 connections per host


def side_by_side(calls: Sequence[Callable[[], Any]], limit: int = LIMIT) -> list[Any]:
    """Run `calls` concurrently (the first on this thread); results in the order given (the
    calls may return different types: the caller unpacks them)."""
    if len(calls) <= 1:
        return [call() for call in calls]
    with ThreadPoolExecutor(max_workers=min(limit, len(calls) - 1)) as pool:
        futures = [pool.submit(call) for call in calls[1:]]
        first: Future[Any] = Future()
        try:
            first.set_result(calls[0]())
        except BaseException as exc:  # collected like the others, raised in order below
            first.set_exception(exc)
        outcomes = [first, *futures]
        for future in outcomes:
            future.exception()  # wait for every call before deciding
        return [future.result() for future in outcomes]


def started(call: Callable[[], T]) -> Callable[[], T]:
    """Start `call` now on a helper thread; the returned function waits for its result."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["result"] = call()
        except BaseException as exc:
            box["error"] = exc

    thread = threading.Thread(target=run, name="mpac-beside", daemon=True)
    thread.start()

    def result() -> T:
        thread.join()
        if "error" in box:
            raise box["error"]
        return box["result"]  # type: ignore[no-any-return]

    return result


@contextlib.contextmanager
def awaited(waiting: Callable[[], object]) -> Iterator[None]:
    """If the block fails, wait for `waiting` (quietly: the block's failure is the news) before
    the failure goes on, so nothing started beside it is left running behind it."""
    try:
        yield
    except BaseException:
        with contextlib.suppress(Exception):
            waiting()
        raise


@contextlib.contextmanager
def beside(call: Callable[[], T]) -> Iterator[Callable[[], T]]:
    """Start `call` beside the block and yield its waiter: the block (or the code after it)
    takes the result; a failing block waits for it first (`awaited`)."""
    waiting = started(call)
    with awaited(waiting):
        yield waiting


def serialized(emit: ev.Emit) -> ev.Emit:
    """Events from helper threads reach the reporters one at a time, never interleaved."""
    lock = threading.Lock()

    def locked(event: ev.Event) -> None:
        with lock:
            emit(event)

    return locked
