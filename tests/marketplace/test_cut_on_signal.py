"""The mechanism behind a prompt stop: when a signal's KeyboardInterrupt meets a wait of
publisher.concurrency (side_by_side, a started call's Waiter, awaited), every client's requests
in flight are cut (CutError, maybe processed, never retried), later ones are refused unsent, and
the wait ends within GRACE instead of when the slowest answer comes. A loopback server that sits
on every request shows it."""

from __future__ import annotations

import io
import signal
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from publisher.concurrency import GRACE, awaited, side_by_side, started
from publisher.exits import Signals, Terminated
from publisher.files.hashing import HashingReader
from publisher.marketplace import prewarm as prewarm_module
from publisher.marketplace.client import Marketplace
from publisher.marketplace.connection import Connection, Credentials
from publisher.marketplace.errors import CutError
from publisher.marketplace.retry import RetryPolicy
from publisher.marketplace.transfer import InFlight

BOUND = 10.0  # seconds the server sits on a request (far beyond GRACE), and any wait here
STOPPED_WITHIN = GRACE + 1.0


class _Sitting(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.received: list[str] = []
        self.release = threading.Event()
        super().__init__(("127.0.0.1", 0), _Handler)

    def count(self) -> int:
        with self.lock:
            return len(self.received)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Sitting

    def do_GET(self) -> None:
        with self.server.lock:
            self.server.received.append(self.path)
        self.server.release.wait(BOUND)  # an answer slower than any signal should wait for
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[_Sitting]:
    sitting = _Sitting()
    thread = threading.Thread(target=sitting.serve_forever, daemon=True)
    thread.start()
    yield sitting
    sitting.release.set()
    sitting.shutdown()
    sitting.server_close()


def _client(server: _Sitting) -> Marketplace:
    root = f"http://127.0.0.1:{server.server_address[1]}"
    return Marketplace(Connection(root, Credentials("vendor@example.com", "cut-token-1")))


def _until(what: str, condition: Callable[[], bool]) -> None:
    ends = time.monotonic() + BOUND
    while not condition():
        assert time.monotonic() < ends, f"gave up waiting for {what}"
        time.sleep(0.01)


def _recorded(calls: list[BaseException], call: Callable[[], object]) -> Callable[[], None]:
    def run() -> None:
        try:
            call()
        except BaseException as exc:
            calls.append(exc)
            raise

    return run


def test_side_by_side_cuts_the_others_when_its_own_call_is_interrupted(server: _Sitting) -> None:
    client = _client(server)
    failures: list[BaseException] = []
    others = [_recorded(failures, lambda n=n: client.get_artifact(f"a{n}")) for n in range(3)]

    def interrupted() -> None:
        _until("the other requests in flight", lambda: server.count() == 3)
        raise KeyboardInterrupt  # as a signal would, on this (the main) thread

    began = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        side_by_side([interrupted, *others])
    assert time.monotonic() - began < STOPPED_WITHIN
    _until("the cut requests to end", lambda: len(failures) == 3)
    assert all(isinstance(f, CutError) and f.maybe_processed for f in failures), failures
    assert sorted(client.in_flight.cut_requests) == [
        f"GET /rest/3/artifacts/a{n}" for n in range(3)
    ]
    with pytest.raises(CutError) as refused:  # after the cut nothing more is sent
        client.get_artifact("later")
    assert refused.value.maybe_processed is False and server.count() == 3


def test_a_signal_while_waiting_for_a_started_call_cuts_it(server: _Sitting) -> None:
    client = _client(server)
    waiting = started(lambda: client.get_artifact("slow"))
    _until("the request in flight", lambda: server.count() == 1)
    main = threading.main_thread().ident
    assert main is not None
    with Signals().installed(), pytest.raises(Terminated):
        began = time.monotonic()
        threading.Timer(0.05, signal.pthread_kill, args=(main, signal.SIGTERM)).start()  # real
        waiting()  # the real handler raises Terminated here, mid-join
    assert time.monotonic() - began < STOPPED_WITHIN
    assert client.in_flight.cut_requests == ["GET /rest/3/artifacts/slow"]


def test_an_interrupted_block_cuts_what_runs_beside_it(server: _Sitting) -> None:
    client = _client(server)
    began = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        waiting = started(lambda: client.get_artifact("beside"))
        with awaited(waiting):
            _until("the request in flight", lambda: server.count() == 1)
            raise KeyboardInterrupt
    assert time.monotonic() - began < STOPPED_WITHIN
    assert client.in_flight.cut_requests == ["GET /rest/3/artifacts/beside"]


def test_a_cut_request_is_not_retried(server: _Sitting) -> None:
    client = _client(server)
    client.in_flight.cut()
    policy = RetryPolicy(initial=0.0, sleep=lambda seconds: None)
    with pytest.raises(CutError):
        policy.write("create version", lambda: client.get_artifact("x"), lambda: None)
    assert server.count() == 0 and policy.unsettled == []  # refused unsent: known not done


def test_each_cut_request_is_named_once_however_many_waits_cut() -> None:
    # Bookkeeping only (no socket): the request stays on the wire between the two cuts, as it
    # does when side_by_side, a Waiter and awaited each meet the same signal.
    in_flight = InFlight()
    with in_flight.watching("GET /rest/3/artifacts/once", BOUND):
        in_flight.cut()
        in_flight.cut()
    assert in_flight.cut_requests == ["GET /rest/3/artifacts/once"]


def _mask_seen(start: Callable[[Callable[..., None]], object]) -> set[int]:
    """The signals blocked on the thread that `start` runs a probe on."""
    seen: list[set[int]] = []

    def probe(*_: object) -> None:
        seen.append(set(signal.pthread_sigmask(signal.SIG_BLOCK, [])))

    start(probe)
    _until("the probe to run", lambda: bool(seen))
    return seen[0]


def _on_sha512_thread(probe: Callable[..., None], monkeypatch: pytest.MonkeyPatch) -> None:
    digest = HashingReader._digest
    monkeypatch.setattr(HashingReader, "_digest", lambda self: (probe(), digest(self)))
    HashingReader(io.BytesIO(b"x"), 1).close()


@pytest.mark.parametrize("helper", ["side_by_side", "started", "prewarm", "sha512"])
def test_helper_threads_leave_sigint_and_sigterm_to_the_main_thread(
    helper: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The kernel hands a process's signal to any thread that does not block it, and Python runs
    # the handler on the main thread only: a signal a helper took went unseen while the main
    # thread sat in a socket read of a held answer (status, SIGINT: a 30 s hang, 1 run in 8).
    starts: dict[str, Callable[[Callable[..., None]], object]] = {
        "side_by_side": lambda probe: side_by_side([lambda: None, probe]),
        "started": lambda probe: started(probe)(),
        "prewarm": lambda probe: (
            monkeypatch.setattr(prewarm_module, "_open", probe),
            prewarm_module.prewarm(requests.Session(), "http://127.0.0.1:9/", 1, 1.0),
        ),
        "sha512": lambda probe: _on_sha512_thread(probe, monkeypatch),
    }
    blocked = _mask_seen(starts[helper])
    assert {signal.SIGINT, signal.SIGTERM} <= blocked
    assert signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, [])  # main: unchanged
