"""Reads made once per run, for the commands after a release.

`status release.yml` reads what the plan reads (the app software, the host products, product
versions, the release's listing) and then the same things again to show them; `compat` names the
products the resolver already listed. Over a real network each repeat costs a round trip, so a
client that remembers (`Marketplace.remember_reads`) answers a read it has made, or has on its
way (the second asker waits for the first answer instead of sending its own), from that answer.

A failed read is not remembered: the retry policy's next attempt sends it again, and a caller
that waited for it gets the same error (and its own policy decides). Any write forgets every
read (`forget`): a document read after a PUT (revise.py's re-read on REVISION_MISMATCH, the
settled check after an unknown outcome) must be the live one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from typing import Any, TypeVar

T = TypeVar("T")


class ReadOnce:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._known: dict[Hashable, Future[Any]] = {}

    def get(self, key: Hashable, read: Callable[[], T]) -> T:
        """`read()`'s answer for `key`, read by this call or by the one that read it first."""
        with self._lock:
            known = self._known.get(key)
            if known is None:
                mine: Future[Any] = Future()
                self._known[key] = mine
        if known is not None:
            return known.result()  # type: ignore[no-any-return]
        try:
            value = read()
        except BaseException as exc:  # not remembered: the next attempt reads again
            with self._lock:
                if self._known.get(key) is mine:
                    del self._known[key]
            mine.set_exception(exc)
            raise
        mine.set_result(value)
        return value

    def put(self, key: Hashable, value: Any) -> None:
        """`value` is the answer for `key` too (another read's answer carried it)."""
        with self._lock:
            if key not in self._known:
                known: Future[Any] = Future()
                known.set_result(value)
                self._known[key] = known

    def forget(self) -> None:
        with self._lock:
            self._known.clear()
