"""A throwaway HTTP file server on 127.0.0.1, the "remote site" for /artifacts/fetch tests."""

from __future__ import annotations

import base64
import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


class _QuietHandler(SimpleHTTPRequestHandler):
    expected_auth: str | None = None  # "Basic ..." when the server wants credentials

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def send_head(self) -> Any:
        if self.expected_auth and self.headers.get("Authorization") != self.expected_auth:
            self.send_error(401, "credentials required")
            return None
        return super().send_head()


@contextmanager
def file_server(root: Path, auth: tuple[str, str] | None = None) -> Iterator[str]:
    """Serve `root` (with `auth`: only to that Basic user and password); yields the base URL
    (http://127.0.0.1:PORT)."""
    wanted = None
    if auth:
        wanted = "Basic " + base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
    handler_class = type("_Handler", (_QuietHandler,), {"expected_auth": wanted})
    handler = functools.partial(handler_class, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def refused_url() -> str:
    """A loopback URL nothing listens on (the port was just released)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/app.jar"
