"""A TLS server on 127.0.0.1 that counts handshakes, with certificates the client must refuse:
self-signed, signed by a CA it does not know, or for another name. Made by the openssl command."""

from __future__ import annotations

import contextlib
import shutil
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

BOUND = 10.0  # seconds any handshake may take


def _openssl(*args: str) -> None:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    subprocess.run([openssl, *args], check=True, capture_output=True, timeout=60)


def self_signed(folder: Path, name: str = "127.0.0.1") -> tuple[Path, Path]:
    """A certificate for the IP address `name` that is its own CA, and its key."""
    cert, key = folder / f"self-{name}.pem", folder / f"self-{name}.key"
    _openssl(
        *("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
        *("-keyout", str(key), "-out", str(cert), "-subj", f"/CN={name}"),
        *("-addext", f"subjectAltName=IP:{name}"),
    )
    return cert, key


def signed_by_unknown_ca(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 signed by a CA made here and trusted by no one."""
    ca, ca_key = folder / "ca.pem", folder / "ca.key"
    _openssl(
        *("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
        *("-keyout", str(ca_key), "-out", str(ca), "-subj", "/CN=Unknown Test CA"),
    )
    request, key, cert = folder / "leaf.csr", folder / "leaf.key", folder / "leaf.pem"
    _openssl(
        *("req", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(request)),
        *("-subj", "/CN=127.0.0.1"),
    )
    extensions = folder / "leaf.ext"
    extensions.write_text("subjectAltName=IP:127.0.0.1\n")
    _openssl(
        *("x509", "-req", "-in", str(request), "-CA", str(ca), "-CAkey", str(ca_key)),
        *("-CAcreateserial", "-days", "1", "-out", str(cert), "-extfile", str(extensions)),
    )
    return cert, key


@dataclass
class HandshakeCounter:
    """Counts the TLS handshakes clients start; answers nothing (no request gets through)."""

    port: int = 0
    handshakes: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self) -> int:
        with self.lock:
            return self.handshakes

    def serve(self, listener: socket.socket, context: ssl.SSLContext) -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:  # closed: the test is over
                return
            with self.lock:
                self.handshakes += 1
            threading.Thread(target=_handshake, args=(conn, context), daemon=True).start()


def _handshake(conn: socket.socket, context: ssl.SSLContext) -> None:
    conn.settimeout(BOUND)
    with contextlib.suppress(OSError), context.wrap_socket(conn, server_side=True) as tls:
        tls.recv(1)  # a client that trusted us would send its request; none should
    conn.close()


@contextlib.contextmanager
def tls_server(cert: Path, key: Path) -> Iterator[HandshakeCounter]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    server = HandshakeCounter(port=listener.getsockname()[1])
    thread = threading.Thread(target=server.serve, args=(listener, context), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        with contextlib.suppress(OSError):
            listener.shutdown(socket.SHUT_RDWR)  # wakes the accept() (close alone may not)
        listener.close()
        thread.join(BOUND)
