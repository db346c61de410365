"""A forward proxy on 127.0.0.1 that records what reaches it and refuses it: the request line and
headers of every connection (a plain request or a CONNECT), answered 502, never forwarded."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

BOUND = 10.0  # seconds a connection may take to send its head


@dataclass
class RecordingProxy:
    port: int = 0
    heads: list[str] = field(default_factory=list)  # each connection's request line + headers
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def received(self) -> list[str]:
        with self.lock:
            return list(self.heads)

    def serve(self, listener: socket.socket) -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:  # the listener was closed: the test is over
                return
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(BOUND)
            head = b""
            with contextlib.suppress(OSError):
                while b"\r\n\r\n" not in head and len(head) < 65536:
                    chunk = conn.recv(4096)
                    if not chunk:
                        break
                    head += chunk
            with self.lock:
                self.heads.append(head.decode("latin-1"))
            body = b"refused by the test proxy"
            answer = b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: %d\r\nConnection: close\r\n\r\n"
            with contextlib.suppress(OSError):
                conn.sendall(answer % len(body) + body)


@contextmanager
def recording_proxy() -> Iterator[RecordingProxy]:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    proxy = RecordingProxy(port=listener.getsockname()[1])
    thread = threading.Thread(target=proxy.serve, args=(listener,), daemon=True)
    thread.start()
    try:
        yield proxy
    finally:
        with contextlib.suppress(OSError):
            listener.shutdown(socket.SHUT_RDWR)  # wakes the accept() (close alone may not)
        listener.close()
        thread.join(BOUND)
