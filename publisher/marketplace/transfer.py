"""Bounded transfers: a total deadline per request (and per run), and a cap on answer size.

A read timeout restarts with every byte, so a server trickling one byte every few seconds would
hold a request forever; the watchdog shuts the request's socket when its deadline passes. Answers
are read streamed and refused past MAX_ANSWER_BYTES instead of filling memory.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import requests
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.poolmanager import PoolManager

from publisher.errors import UsageError
from publisher.marketplace.errors import CutError, UnexpectedAnswer
from publisher.marketplace.prewarm import idle_tls_open

MAX_ANSWER_BYTES = 8 << 20  # the largest real answer (a listing with every field) is ~100 KB
READ_CHUNK = 1 << 16
_current = threading.local()  # the watchdog of the request running on this thread


@dataclass(frozen=True)
class Deadlines:
    request: float = 300.0  # seconds for one request, answer included
    run: float = 3600.0  # seconds for every request of a run together
    upload_rate: float = 1_000_000.0  # an upload gets one more second per this many bytes


def deadlines_from(env: Mapping[str, str]) -> Deadlines:
    """MPAC_REQUEST_DEADLINE and MPAC_RUN_DEADLINE (seconds), each optional."""
    values: dict[str, float] = {}
    for name, key in (("MPAC_REQUEST_DEADLINE", "request"), ("MPAC_RUN_DEADLINE", "run")):
        raw = env.get(name, "").strip()
        if not raw:
            continue
        try:
            values[key] = float(raw)
        except ValueError:
            values[key] = -1.0
        if not 0 < values[key] < float("inf"):
            raise UsageError(
                f"{name} must be a positive number of seconds, got {raw!r}",
                advice=f"e.g. {name}=600, or unset it for the default",
            )
    return Deadlines(**values)


class Watchdog:
    """Shuts the sockets a request uses once `seconds` have passed."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.fired = False
        self.was_cut = False  # fired by a signal (InFlight.cut), not by the deadline
        self._connections: list[HTTPConnection] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(0.0, seconds), self._fire)
        self._timer.daemon = True

    def __enter__(self) -> Watchdog:
        _current.watchdog = self
        self._timer.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._timer.cancel()
        _current.watchdog = None

    def watch(self, connection: HTTPConnection) -> None:
        with self._lock:
            if connection not in self._connections:
                self._connections.append(connection)
            if self.fired:
                _shut(connection)

    def cut(self) -> None:
        self.was_cut = True
        self._fire()

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            for connection in self._connections:
                _shut(connection)


class InFlight:
    """One client's requests on the wire, to cut them all at once: after `cut()` each ends with
    a CutError (maybe processed), and a request not yet sent is refused (not processed)."""

    def __init__(self) -> None:
        self.stopped = False
        self.cut_requests: list[str] = []  # what was on the wire when cut, for the report
        self._watchdogs: dict[Watchdog, str] = {}
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def watching(self, what: str, seconds: float) -> Iterator[Watchdog]:
        watchdog = Watchdog(seconds)
        with self._lock:
            if self.stopped:
                raise CutError(what, maybe_processed=False)
            self._watchdogs[watchdog] = what
        try:
            with watchdog:
                yield watchdog
        except BaseException as exc:
            if not isinstance(exc, Exception):  # the signal came on this thread, mid-request
                with self._lock:
                    self.cut_requests.append(what)
            raise
        finally:
            with self._lock:
                self._watchdogs.pop(watchdog, None)

    def cut(self) -> None:
        """Idempotent: every wait that meets the signal calls it; each request is named once."""
        with self._lock:
            self.stopped = True
            live = list(self._watchdogs.items())
            self.cut_requests += [what for w, what in live if not w.was_cut]
        for watchdog, _ in live:
            watchdog.cut()


def _shut(connection: HTTPConnection) -> None:
    sock = getattr(connection, "sock", None)
    if sock is not None:
        with contextlib.suppress(OSError):  # wakes a recv/send blocked on another thread
            sock.shutdown(socket.SHUT_RDWR)


def _register(connection: HTTPConnection) -> None:
    watchdog = getattr(_current, "watchdog", None)
    if watchdog is not None:
        watchdog.watch(connection)


class _WatchedHTTP(HTTPConnection):
    def connect(self) -> None:
        _register(self)
        super().connect()

    def request(self, *args: Any, **kwargs: Any) -> None:
        _register(self)
        super().request(*args, **kwargs)


class _WatchedHTTPS(_WatchedHTTP, HTTPSConnection):  # the same watch, over HTTPSConnection's TLS
    @property
    def is_connected(self) -> bool:  # TLS 1.3 session tickets are no sign of a closed connection
        return self.sock is not None and idle_tls_open(self.sock)


class _Pool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTP


class _TLSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPS


def watch_pools(manager: PoolManager) -> PoolManager:
    """Make every connection `manager` opens answerable to the current thread's watchdog."""
    manager.pool_classes_by_scheme = {"http": _Pool, "https": _TLSPool}
    return manager


def read_body(response: requests.Response, where: str, cap: int = MAX_ANSWER_BYTES) -> bytes:
    """The whole (decoded) body of a streamed response, refused past `cap` bytes."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > cap:
        response.close()
        raise UnexpectedAnswer(f"an answer of {int(declared)} bytes (the limit is {cap})", where)
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_content(READ_CHUNK):
        size += len(chunk)
        if size > cap:
            response.close()
            raise UnexpectedAnswer(f"an answer larger than {cap} bytes", where)
        chunks.append(chunk)
    return b"".join(chunks)
