"""Calls started as their inputs arrive: a listing's pages come one round trip after another, and
each entry's own read (an app's app software, for `apps --hosting`) can go out as soon as its page
is in, beside the next page, instead of after the last one.

The same rules as `concurrency.side_by_side`: at most `width` calls in flight (the helpers are
`concurrency.started`, so a signal while waiting for them cuts the requests in flight); every call
is waited for before deciding; results in the order the calls were added, and the first failure in
that order is raised, whatever order the answers arrived in.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, Generic, TypeVar

from publisher.concurrency import POLL, Waiter, started

T = TypeVar("T")
_Item = tuple[Callable[[], Any], "Future[Any]"] | None


def caught(call: Callable[[], T]) -> T | Exception:
    """`call`'s answer, or its error, for a caller that raises it later, when its turn comes in
    a sequential order (a hosting's, a product's), or not at all when it proves unneeded."""
    try:
        return call()
    except Exception as exc:
        return exc


class Feed(Generic[T]):
    def __init__(self, width: int) -> None:
        self._todo: queue.SimpleQueue[_Item] = queue.SimpleQueue()
        self._outcomes: list[Future[T]] = []
        self._stopped = False
        self._running = width
        self._ended = threading.Event()  # set by the last worker to end
        self._count = threading.Lock()
        self._workers: list[Waiter[None]] = [started(self._work) for _ in range(width)]

    def add(self, call: Callable[[], T]) -> None:
        outcome: Future[T] = Future()
        self._outcomes.append(outcome)
        self._todo.put((call, outcome))

    def results(self) -> list[T]:
        """Every result, in the order added (after the last `add`); the first failure raised."""
        self._close()
        try:
            while not self._ended.wait(POLL):  # see POLL
                pass
        except BaseException:  # a signal while waiting: cut the requests, give them GRACE
            for worker in self._workers:
                worker.cut_short()
            raise
        for worker in self._workers:
            worker()
        return [outcome.result() for outcome in self._outcomes]

    def abandon(self, failure: BaseException) -> None:
        """What was added and not yet started is dropped; the calls running are waited for
        (quietly: the caller's `failure` is the news), or cut short after a signal."""
        self._stopped = True
        self._close()
        for worker in self._workers:
            if isinstance(failure, Exception):
                with contextlib.suppress(Exception):
                    worker()
            else:
                worker.cut_short()

    def _close(self) -> None:
        for _ in self._workers:
            self._todo.put(None)

    def _work(self) -> None:
        try:
            self._take()
        finally:
            with self._count:
                self._running -= 1
                if self._running == 0:
                    self._ended.set()

    def _take(self) -> None:
        while (item := self._todo.get()) is not None:
            call, outcome = item
            if self._stopped:
                outcome.cancel()
                continue
            try:
                outcome.set_result(call())
            except BaseException as exc:  # collected, raised in order by `results`
                outcome.set_exception(exc)
