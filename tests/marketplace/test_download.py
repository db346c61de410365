"""Downloading an artifact (`_links.binary`) over real loopback sockets: hashed as it is read,
memory flat, capped at the artifact limit, cut-short bodies refused, never sent to another host."""

from __future__ import annotations

import hashlib
import threading
import tracemalloc
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from publisher.marketplace.connection import Connection, Credentials
from publisher.marketplace.download import download_artifact
from publisher.marketplace.errors import ApiRejectedError, TransportError, UnexpectedAnswer
from publisher.marketplace.session import Timeouts, make_session
from publisher.marketplace.transfer import Deadlines
from tests.support.fileserver import file_server

CREDENTIALS = Credentials("dev@example.com", "secret-token-123456")


def fetch(root: str, href: str, cap: int = 250_000_000):  # type: ignore[no-untyped-def]
    session = make_session(Connection(root, CREDENTIALS))
    try:
        return download_artifact(session, root, href, Timeouts(), Deadlines(), cap)
    finally:
        session.close()


def test_the_served_bytes_are_hashed_with_memory_flat(tmp_path: Path) -> None:
    big = tmp_path / "app.jar"
    with big.open("wb") as out:
        for i in range(64):  # 64 MiB, each MiB different
            out.write(bytes([i]) * (1 << 20))
    data_sha512 = hashlib.sha512(big.read_bytes()).hexdigest()
    with file_server(tmp_path) as root:
        tracemalloc.start()
        try:
            served = fetch(root, "/app.jar")
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert served.size == 64 << 20 and served.sha512_hex == data_sha512
    assert peak < 4 << 20, f"peak Python allocation {peak / 1e6:.1f} MB for a 67 MB download"


def test_a_download_over_the_cap_is_refused_by_its_length(tmp_path: Path) -> None:
    (tmp_path / "app.jar").write_bytes(b"x" * 5000)
    with file_server(tmp_path) as root, pytest.raises(UnexpectedAnswer, match="limit is 4096"):
        fetch(root, "/app.jar", cap=4096)


class Endless(BaseHTTPRequestHandler):
    """No Content-Length, the body ends when the connection does: 64 KiB chunks, bounded."""

    protocol_version = "HTTP/1.0"
    chunks = 64
    declared: str | None = None

    def do_GET(self) -> None:
        self.send_response(200)
        if self.declared:
            self.send_header("Content-Length", self.declared)
        self.end_headers()
        for _ in range(self.chunks):
            try:
                self.wfile.write(b"y" * 65536)
            except OSError:
                return  # the client stopped reading: as it should past the cap

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def endless() -> Iterator[type[Endless]]:
    handler = type("Handler", (Endless,), {})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    handler.root = f"http://127.0.0.1:{server.server_address[1]}"  # type: ignore[attr-defined]
    yield handler
    server.shutdown()
    server.server_close()


def test_a_download_without_a_length_stops_at_the_cap(endless: type[Endless]) -> None:
    with pytest.raises(UnexpectedAnswer, match="over 1000000 bytes"):
        fetch(endless.root, "/x", cap=1_000_000)  # type: ignore[attr-defined]


def test_a_download_cut_short_is_refused(endless: type[Endless]) -> None:
    endless.chunks, endless.declared = 2, str(3 * 65536)
    with pytest.raises(TransportError, match=r"before the whole download|stopped at"):
        fetch(endless.root, "/x")  # type: ignore[attr-defined]


def test_a_binary_link_to_another_host_is_refused_before_any_request(tmp_path: Path) -> None:
    (tmp_path / "app.jar").write_bytes(b"jar")
    with (
        file_server(tmp_path) as elsewhere,
        file_server(tmp_path) as root,
        pytest.raises(ApiRejectedError, match="never sends your credentials"),
    ):
        fetch(root, f"{elsewhere}/app.jar")


def test_the_served_bytes_reach_a_sink_file_with_memory_flat(tmp_path: Path) -> None:
    """What a rebuilt jar is compared with: the live artifact, in a file a zip reader can seek."""
    big = tmp_path / "app.jar"
    with big.open("wb") as out:
        for i in range(48):  # 48 MiB, each MiB different
            out.write(bytes([i]) * (1 << 20))
    with file_server(tmp_path) as root, (tmp_path / "spool").open("w+b") as sink:
        session = make_session(Connection(root, CREDENTIALS))
        tracemalloc.start()
        try:
            served = download_artifact(
                session, root, "/app.jar", Timeouts(), Deadlines(), sink=sink
            )
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
            session.close()
    assert served.size == 48 << 20
    assert (tmp_path / "spool").read_bytes() == big.read_bytes()
    assert peak < 4 << 20, f"peak Python allocation {peak / 1e6:.1f} MB for a 50 MB download"
