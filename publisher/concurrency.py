"""Independent requests side by side: a small bounded pool, and the rules that keep it safe.

Over a real network each request costs a round trip, so requests that need nothing of each other
(the app software per hosting, the product versions, the listing and artifact reads, the image
uploads) are sent together. The rules:
- every call is waited for, even after another failed: nothing is left running behind a failure,
  so the journal and the ledger see every write that happened;
- the first failure in the order the calls were given is raised (not the first to finish), so
  the error a user sees does not depend on timing;
- at most `LIMIT` requests are in flight from one call;
- except on a signal: SIGINT/SIGTERM reach the main thread (the helpers block them) as a
  KeyboardInterrupt, and wherever it meets a wait here, the requests in flight are cut
  (`stop_in_flight`: every registered client shuts its sockets and refuses new requests) and
  the helpers are waited for `GRACE` seconds at most, so the run reports and exits before
  `docker stop` or a cancelled CI job kills it (~10 s). The helpers are daemon threads: one
  still busy then does not hold the exit.
"""

from __future__ import annotations

import contextlib
import queue
import signal
import threading
import time
import weakref
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from typing import Any, Generic, Protocol, TypeVar

from publisher import events as ev

T = TypeVar("T")
LIMIT = 6  # Marketplace is one host; browsers open 6 connections per host


GRACE = 2.0  # seconds the helpers get to end once their requests are cut by a signal
# Every wait here wakes this often, for a signal taken by a thread that does not block it (the
# helpers started here do, see MAIN_THREAD_SIGNALS; a library's thread might not): that only sets
# Python's flag, which a main thread blocked in one long lock wait would see only when the slowest
# request answered. Waking runs the handler (a KeyboardInterrupt) within POLL.
POLL = 0.1


# Signals only the main thread takes. The kernel hands a process's signal to any thread that does
# not block it; Python runs the handler on the main thread only, so one a helper took would wait
# until the main thread's blocking call (a socket read of a held answer) returned by itself.
MAIN_THREAD_SIGNALS = frozenset({signal.SIGINT, signal.SIGTERM})


def helper_thread(
    target: Callable[..., object], *, name: str, args: tuple[Any, ...] = ()
) -> threading.Thread:
    """A started daemon thread that blocks MAIN_THREAD_SIGNALS from its first instruction (a new
    thread inherits the mask of the thread that starts it, so the mask is set around `start`)."""
    thread = threading.Thread(target=target, args=args, name=name, daemon=True)
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, MAIN_THREAD_SIGNALS)
    try:
        thread.start()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
    return thread


class Cuttable(Protocol):
    def cut(self) -> None: ...


_cuttable: weakref.WeakSet[Any] = weakref.WeakSet()  # signals are process-wide, so is this


def register_cut(target: Cuttable) -> None:
    """`target.cut()` is called when a signal interrupts a wait here (while it is alive)."""
    _cuttable.add(target)


def stop_in_flight() -> None:
    """Cut every registered client's requests in flight (idempotent)."""
    for target in list(_cuttable):
        with contextlib.suppress(Exception):  # cutting is best effort; the interrupt goes on
            target.cut()


def side_by_side(calls: Sequence[Callable[[], Any]], limit: int = LIMIT) -> list[Any]:
    """Run `calls` concurrently (the first on this thread); results in the order given (the
    calls may return different types: the caller unpacks them)."""
    if len(calls) <= 1:
        return [call() for call in calls]
    outcomes: list[Future[Any]] = [Future() for _ in calls]
    todo: queue.SimpleQueue[int] = queue.SimpleQueue()
    for index in range(1, len(calls)):
        todo.put(index)
    for _ in range(min(limit, len(calls) - 1)):
        helper_thread(_work, args=(calls, outcomes, todo), name="mpac-side")
    try:
        _settle(outcomes[0], calls[0])
        for future in outcomes:
            _wait_for(future)  # every call, before deciding
    except BaseException:  # a signal on this thread: cut the others, wait a little, go on
        stop_in_flight()
        ends = time.monotonic() + GRACE
        for future in outcomes[1:]:
            with contextlib.suppress(BaseException):
                future.exception(timeout=max(0.0, ends - time.monotonic()))
        raise
    return [future.result() for future in outcomes]


def _wait_for(future: Future[Any]) -> None:
    """Until `future` is done, waking every POLL (see POLL)."""
    while not future.done():
        with contextlib.suppress(TimeoutError):
            future.exception(timeout=POLL)


def _settle(future: Future[Any], call: Callable[[], Any]) -> None:
    """Run `call` into `future`; an Exception is collected (raised in order later), a signal's
    KeyboardInterrupt on the calling thread is not."""
    try:
        future.set_result(call())
    except Exception as exc:
        future.set_exception(exc)


def _work(
    calls: Sequence[Callable[[], Any]], outcomes: list[Future[Any]], todo: queue.SimpleQueue[int]
) -> None:
    while True:
        try:
            index = todo.get_nowait()
        except queue.Empty:
            return
        try:
            outcomes[index].set_result(calls[index]())
        except BaseException as exc:  # collected like the others, raised in order
            outcomes[index].set_exception(exc)


class Waiter(Generic[T]):
    """The result of a call started beside: calling it waits (unbounded, unless a signal came)."""

    def __init__(self, thread: threading.Thread, box: dict[str, Any]) -> None:
        self._thread = thread
        self._box = box

    def __call__(self) -> T:
        try:
            while self._thread.is_alive():
                self._thread.join(POLL)  # see POLL
        except BaseException:  # a signal while waiting: cut what it runs, wait a little
            self.cut_short()
            raise
        if "error" in self._box:
            raise self._box["error"]
        return self._box["result"]  # type: ignore[no-any-return]

    def cut_short(self) -> None:
        """Cut the requests in flight and give the call `GRACE` seconds to end."""
        stop_in_flight()
        self._thread.join(GRACE)


def started(call: Callable[[], T]) -> Waiter[T]:
    """Start `call` now on a helper thread; the returned Waiter waits for its result."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["result"] = call()
        except BaseException as exc:
            box["error"] = exc

    return Waiter(helper_thread(run, name="mpac-beside"), box)


@contextlib.contextmanager
def awaited(waiting: Callable[[], object]) -> Iterator[None]:
    """If the block fails, wait for `waiting` (quietly: the block's failure is the news) before
    the failure goes on, so nothing started beside it is left running behind it; after a signal
    (not an Exception) a Waiter is cut short instead of waited for in full."""
    try:
        yield
    except BaseException as exc:
        if not isinstance(exc, Exception) and isinstance(waiting, Waiter):
            waiting.cut_short()
        else:
            with contextlib.suppress(Exception):
                waiting()
        raise


@contextlib.contextmanager
def beside(call: Callable[[], T]) -> Iterator[Waiter[T]]:
    """Start `call` beside the block and yield its Waiter: the block (or the code after it)
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
