"""Connections are opened during the first round, so later rounds of side-by-side requests pay no
handshake: a counting server shows the requests use the opened connections and open none of
their own, that nothing is sent on them before a request, and that a run closes them."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from publisher.concurrency import side_by_side
from publisher.connection import Connection, Credentials
from publisher.marketplace import Marketplace

BOUND = 10.0  # seconds any wait here may take before the test fails


class _Counting(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, together: int) -> None:
        self.lock = threading.Lock()
        self.accepted = 0
        self.finished = 0
        self.requests = 0
        self.together = threading.Barrier(together, timeout=BOUND)
        super().__init__(("127.0.0.1", 0), _Handler)

    def get_request(self) -> Any:
        conn = super().get_request()
        with self.lock:
            self.accepted += 1
        return conn

    def shutdown_request(self, request: Any) -> None:
        with self.lock:
            self.finished += 1
        super().shutdown_request(request)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as Marketplace
    server: _Counting

    def do_GET(self) -> None:
        with self.server.lock:
            self.server.requests += 1
        self.server.together.wait()  # every request of the round is in flight at once
        body = b'{"errors": [{"status": "404", "code": "NOT_FOUND", "title": "Not found"}]}'
        self.send_response(404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[_Counting]:
    counting = _Counting(together=4)
    thread = threading.Thread(target=counting.serve_forever, daemon=True)
    thread.start()
    yield counting
    counting.shutdown()
    counting.server_close()


def _until(what: str, condition: Callable[[], bool]) -> None:
    """Wait (bounded) for what the server recorded."""
    ends = time.monotonic() + BOUND
    while not condition():
        if time.monotonic() > ends:
            raise AssertionError(f"the server never recorded {what}")
        time.sleep(0.01)


def _client(url: str) -> Marketplace:
    return Marketplace(Connection(url, Credentials("vendor@example.com", "prewarm-token-1")))


def test_a_round_of_side_by_side_requests_uses_the_prewarmed_connections(server: _Counting) -> None:
    client = _client(server.url)
    warming = client.warm_up(4)
    assert warming is not None
    warming.join(BOUND)
    assert not warming.is_alive()
    _until("4 connections", lambda: server.accepted == 4)
    assert server.requests == 0, "nothing is sent on a connection before a request needs it"

    found = side_by_side([partial(client.get_artifact, f"a{n}") for n in range(4)])

    assert found == [None] * 4
    assert server.requests == 4
    assert server.accepted == 4, "a request opened a connection of its own"
    client.close()
    _until("every connection closed", lambda: server.finished == 4)


def test_a_server_that_refuses_connections_leaves_the_error_to_the_requests(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with _Counting(together=1) as idle:  # bound, then closed: nothing listens on its port
        url = idle.url
    client = _client(url)
    warming = client.warm_up(3)
    assert warming is not None
    warming.join(BOUND)
    assert not warming.is_alive()
    assert capsys.readouterr() == ("", "")
    client.close()


def test_nothing_is_opened_through_a_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    # urllib3 sets up a proxy's tunnel per request: a connection opened here would be useless
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    assert _client("http://127.0.0.1:8").warm_up(3) is None
