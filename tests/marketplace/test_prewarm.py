"""Connections are opened during the first round, so later rounds of side-by-side requests pay no
handshake: a counting server shows the requests use the opened connections and open none of
their own, that nothing is sent on them before a request, and that a run closes them."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from urllib3.util.wait import wait_for_read

from publisher.concurrency import side_by_side
from publisher.marketplace.client import Marketplace
from publisher.marketplace.connection import Connection, Credentials
from publisher.marketplace.prewarm import idle_tls_open
from tests.support.replies import reply_json

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

    scheme = "http"

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as Marketplace
    server: _Counting

    def do_GET(self) -> None:
        with self.server.lock:
            self.server.requests += 1
        self.server.together.wait()  # every request of the round is in flight at once
        body = b'{"errors": [{"status": "404", "code": "NOT_FOUND", "title": "Not found"}]}'
        reply_json(self, 404, body)

    def log_message(self, *args: object) -> None:
        pass


def _self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 (its own CA) and its key, made by the openssl command."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            *(openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1"),
            *("-addext", "subjectAltName=IP:127.0.0.1"),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


@pytest.fixture(params=["http", "https"])
def server(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[_Counting]:
    counting = _Counting(together=4)
    if request.param == "https":
        # The pool the prewarm fills must be the one requests picks, TLS settings included: the
        # CA comes from REQUESTS_CA_BUNDLE, as a user behind a company CA would set it.
        cert, key = _self_signed(tmp_path)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        counting.socket = context.wrap_socket(counting.socket, server_side=True)
        counting.scheme = "https"
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))
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
    # (a root on the network: a loopback root never goes through a proxy, see test_proxies.py)
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    assert _client("https://marketplace.example.test").warm_up(3) is None


@pytest.mark.parametrize("then", ["data", "close"])
def test_an_idle_tls_connection_is_told_from_a_closed_one(tmp_path: Path, then: str) -> None:
    # TLS 1.3 session tickets make an idle socket readable: not a reason to throw it away (the
    # prewarmed connections all were, before). Data sent unasked, or a close, are.
    cert, key = _self_signed(tmp_path)
    server_side = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_side.load_cert_chain(cert, key)
    client_side = ssl.create_default_context(cafile=str(cert))
    client_side.minimum_version = ssl.TLSVersion.TLSv1_3  # so the server sends session tickets
    drained, acted, looked = threading.Event(), threading.Event(), threading.Event()
    with socket.create_server(("127.0.0.1", 0)) as listener:

        def serve() -> None:
            raw, _ = listener.accept()
            conn = server_side.wrap_socket(raw, server_side=True)
            if drained.wait(BOUND):
                if then == "data":
                    conn.sendall(b"HTTP/1.1 200 OK\r\n\r\n")
                else:
                    conn.close()
                acted.set()
                looked.wait(BOUND)  # kept open until the client has looked
            conn.close()

        thread = threading.Thread(target=serve, daemon=True)
        thread.start()
        port = listener.getsockname()[1]
        with client_side.wrap_socket(
            socket.create_connection(("127.0.0.1", port), timeout=BOUND),
            server_hostname="127.0.0.1",
        ) as sock:
            _until("the session tickets", lambda: wait_for_read(sock, timeout=0.0))
            assert idle_tls_open(sock), "tickets alone must leave the connection usable"
            assert sock.gettimeout() == BOUND, "the socket's timeout is restored"
            drained.set()
            assert acted.wait(BOUND), "the server never did its part"
            _until(f"the {then}", lambda: wait_for_read(sock, timeout=0.0))
            assert not idle_tls_open(sock)
            looked.set()
        thread.join(BOUND)
