"""HTTP plumbing: sockets, body framing, fault injection on the wire, and the journal.

The MarketplaceApp decides what to answer; this module decides how (and whether) it reaches the
client: whole, truncated, dropped, or never, because the connection was reset mid-request.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time
from email.utils import formatdate
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from publisher.sandbox.calllog import redact_headers
from publisher.sandbox.envelope import error_response
from publisher.sandbox.faults import Fault
from publisher.sandbox.phrasing import Phrasing
from publisher.sandbox.routes import MarketplaceApp
from publisher.sandbox.streams import (
    BodyError,
    BodyReader,
    ChunkedReader,
    EmptyReader,
    LengthReader,
    drain,
)
from publisher.sandbox.wire import Request, Response, json_response

FILE_CHUNK = 256 * 1024


class SandboxHTTPServer(ThreadingHTTPServer):
    daemon_threads = True  # a delayed or stuck request never blocks shutdown
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], app: MarketplaceApp) -> None:
        self.app = app
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(address, SandboxRequestHandler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """End open (keep-alive) connections, so clients of a stopped sandbox fail fast."""
        with self._open_lock:
            connections = list(self._open)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        host_text = host.decode() if isinstance(host, bytes) else str(host)
        return f"http://{host_text}:{port}"


class SandboxRequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "mpac-sandbox"
    sys_version = ""
    timeout = 120  # seconds a silent client may hold a connection
    server: SandboxHTTPServer

    def log_message(self, format: str, *args: Any) -> None:
        """Silence: the journal is the log, and it never holds credentials."""

    def do_GET(self) -> None:
        self._serve()

    # Every method reaches the router, so an unsupported one is a 405 with Allow (not a 501 page).
    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_TRACE = do_QUERY = do_GET

    def _body_reader(self) -> BodyReader | None:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return ChunkedReader(self.rfile)
        length = self.headers.get("Content-Length")
        if length is None:
            return EmptyReader()
        if not length.strip().isdigit():
            return None
        return LengthReader(self.rfile, int(length))

    def _serve(self) -> None:
        app = self.server.app
        started = time.time()
        target = urlsplit(self.path)
        body = self._body_reader()
        if body is None:
            self.close_connection = True
            invalid = error_response(400, "BAD_REQUEST", "Bad request", "Invalid Content-Length")
            self._send(json_response(400, invalid), "full")
            return
        req = Request(
            method=self.command,
            path=target.path,
            query=parse_qs(target.query, keep_blank_values=True),
            headers=self.headers,
            body=body,
            base_url=self.server.base_url,
        )
        control = app.is_control(req.path)
        fault = None if control else app.ctx.faults.take(req.method, req.path)
        response, mode = self._respond(app, req, fault)
        # Journal first: a client that has read the response must find its entry.
        if not control:
            app.ctx.journal.record(self._entry(req, response, mode, fault, started))
        if response is not None:
            self._send(response, mode)
        elif mode == "reset":
            self._abort(reset=True)

    def _respond(
        self, app: MarketplaceApp, req: Request, fault: Fault | None
    ) -> tuple[Response | None, str]:
        """The response and how to deliver it: full, truncate, drop; or none (reset, aborted)."""
        try:
            if fault is not None and fault.action == "reset_request":
                self._read_half(req)
                return None, "reset"
            if fault is not None and fault.action == "status":
                drain(req.body)
                response = _fault_response(fault, app.phrasing)
            else:
                if fault is not None and fault.action == "delay":
                    time.sleep(fault.seconds)
                response = app.handle(req)
                drain(req.body)  # keep-alive: the next request starts after this body
        except BodyError:
            self.close_connection = True
            return None, "aborted"
        actions = {"truncate_response": "truncate", "drop_response": "drop", "other_bytes": "other"}
        return response, actions.get(fault.action if fault else "", "full")

    def _read_half(self, req: Request) -> None:
        """Read into the body (half of it, or one chunk) so the reset lands mid-upload."""
        if isinstance(req.body, LengthReader) and req.body.remaining > 0:
            half = req.body.remaining // 2
            while half > 0:
                data = req.body.read(min(half, 64 * 1024))
                half -= len(data)
        elif isinstance(req.body, ChunkedReader):
            req.body.read(64 * 1024)

    def _abort(self, reset: bool) -> None:
        """Close the connection without (more of) a response; RST instead of FIN if `reset`."""
        self.close_connection = True
        if reset:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    def _send(self, response: Response, mode: str) -> None:
        if mode == "drop":
            self._abort(reset=False)
            return
        reason = _phrase(response.status)
        headers = {
            "Date": formatdate(usegmt=True),
            "Server": self.server_version,
            **response.headers,
            "Content-Length": str(_length(response)),
        }
        if self.close_connection or mode == "truncate":
            headers["Connection"] = "close"
        head = f"HTTP/1.1 {response.status} {reason}\r\n"
        head += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
        raw = head.encode("latin-1")
        if mode == "truncate":
            # Headers and half the body; with no body to cut, half the status line (cut
            # headers alone would read as complete ones, and the client would see success).
            body = response.body
            status_line = raw.split(b"\r\n", 1)[0]
            raw = raw + body[: len(body) // 2] if body else status_line[: len(status_line) // 2]
        else:
            raw += _changed(response.body) if mode == "other" else response.body
        try:
            self.wfile.write(raw)
            if response.file is not None and mode != "truncate":
                _send_file(self.wfile, response.file, changed=mode == "other")
            self.wfile.flush()
        except OSError:
            self.close_connection = True  # the client gave up (e.g. its read timed out)
        if mode == "truncate":
            self._abort(reset=False)

    def _entry(
        self,
        req: Request,
        response: Response | None,
        mode: str,
        fault: Fault | None,
        started: float,
    ) -> dict[str, Any]:
        status = response.status if response is not None else None
        if fault is not None:
            outcome = f"fault:{fault.action}"
        elif mode == "aborted":
            outcome = "client-aborted"
        elif req.outcome:
            outcome = req.outcome
        else:
            outcome = "ok" if status is not None and status < 400 else "error"
        return {
            "method": req.method,
            "path": req.path,
            "query": req.query,
            "status": status,
            "outcome": outcome,
            "account": req.account,
            "headers": redact_headers(self.headers.items()),
            "body_summary": req.summary,
            "started": started,
            "finished": time.time(),
        }


def _length(response: Response) -> int:
    return response.file.stat().st_size if response.file is not None else len(response.body)


def _changed(chunk: bytes) -> bytes:
    """The same length, another first byte: what `other_bytes` serves."""
    return bytes([chunk[0] ^ 0xFF]) + chunk[1:] if chunk else chunk


def _send_file(out: Any, path: Path, *, changed: bool) -> None:
    """A file body in chunks (memory stays flat whatever its size)."""
    with path.open("rb") as source:
        first = True
        while chunk := source.read(FILE_CHUNK):
            out.write(_changed(chunk) if changed and first else chunk)
            first = False


def _fault_response(fault: Fault, phrasing: Phrasing) -> Response:
    headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
    phrase = _phrase(fault.status) or "Injected fault"
    code = fault.code or phrase.upper().replace(" ", "_").replace("-", "_")
    detail = (
        fault.detail or f"Injected by the sandbox: {fault.method} {fault.path} -> {fault.status}"
    )
    body = phrasing.apply(error_response(fault.status, code, phrase, detail))
    return json_response(fault.status, body, headers)


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
