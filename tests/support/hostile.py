"""Hostile Marketplaces over real sockets: a rewriting proxy in front of the sandbox, and a
capture server that records which headers reach it. Both bind 127.0.0.1 and are bounded: every
slow or endless answer stops at a byte cap, when the client leaves, or when the server stops."""

from __future__ import annotations

import http.client
import json
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

MAX_STREAMED = 64 << 20  # an "endless" body stops here even if the client keeps reading
HOLD_LIMIT = 30.0  # a held request is released after this long whatever happens


@dataclass(frozen=True)
class Answer:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def with_json(self, value: Any, status: int | None = None) -> Answer:
        return replace(self, status=status or self.status, body=json.dumps(value).encode())

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)


@dataclass
class Rule:
    """What to do with requests matching `method` and the regular expression `path`."""

    method: str
    path: str
    rewrite: Callable[[Answer], Answer] | None = None
    trickle: float | None = None  # seconds between body bytes
    trickle_head: bool = False  # trickle the status line and headers too
    endless: bool = False  # an unbounded body (Content-Length claims `claimed` when set)
    claimed: int | None = None
    hold: threading.Event | None = None  # forward only once this is set
    barrier: int | None = None  # with `hold`: set it when this many requests have matched
    times: int | None = None  # apply to this many matches, then step aside
    used: int = 0
    gave_up: bool = False  # a held request went on after HOLD_LIMIT without `hold` being set

    def matches(self, method: str, path: str) -> bool:
        left = self.times is None or self.used < self.times
        return left and method == self.method and re.search(self.path, path) is not None


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes = b""


@dataclass
class _Shared:
    rules: list[Rule] = field(default_factory=list)
    seen: list[Seen] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    upstream: str = ""
    reply: Callable[[Seen], Answer] | None = None


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    shared: _Shared

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _any(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        seen = Seen(self.command, self.path, {k: v for k, v in self.headers.items()}, body)
        with self.shared.lock:
            self.shared.seen.append(seen)
            rule = next((r for r in self.shared.rules if r.matches(self.command, self.path)), None)
            if rule is not None:
                rule.used += 1
                if rule.barrier is not None and rule.used >= rule.barrier and rule.hold:
                    rule.hold.set()
        if rule is not None and rule.hold is not None and not rule.hold.wait(HOLD_LIMIT):
            rule.gave_up = True
        if rule is not None and rule.endless:
            self._endless(rule)
            return
        answer = self.shared.reply(seen) if self.shared.reply else self._forward(seen)
        if rule is not None and rule.rewrite is not None:
            answer = rule.rewrite(answer)
        if rule is not None and rule.trickle is not None and rule.trickle_head:
            self._trickle(_raw(answer), rule.trickle)
            return
        self._send(answer, rule.trickle if rule is not None else None)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _any

    def _forward(self, seen: Seen) -> Answer:
        target = urlsplit(self.shared.upstream)
        connection = http.client.HTTPConnection(target.hostname or "", target.port, timeout=30)
        try:
            headers = {k: v for k, v in seen.headers.items() if k.lower() != "host"}
            connection.request(seen.method, seen.path, body=seen.body or None, headers=headers)
            response = connection.getresponse()
            body = response.read()
            kept = tuple(
                (k, v)
                for k, v in response.getheaders()
                if k.lower() not in ("content-length", "transfer-encoding", "connection")
            )
            return Answer(response.status, kept, body)
        finally:
            connection.close()

    def _send(self, answer: Answer, trickle: float | None) -> None:
        self.send_response_only(answer.status)  # no Date/Server of our own: exactly `answer`
        for name, value in answer.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(answer.body)))
        self.end_headers()
        if trickle is None:
            self.wfile.write(answer.body)
            return
        self._trickle(answer.body, trickle)

    def _trickle(self, data: bytes, every: float) -> None:
        for byte in data:
            if self.shared.stop.wait(every):
                return
            try:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
            except OSError:
                return  # the client gave up: what we wanted to see

    def _endless(self, rule: Rule) -> None:
        self.send_response_only(200)
        self.send_header("Content-Type", "application/json")
        if rule.claimed is not None:
            self.send_header("Content-Length", str(rule.claimed))
        self.send_header("Connection", "close")
        self.end_headers()
        chunk = b"[" + b" " * ((1 << 16) - 1)
        sent = 0
        while sent < MAX_STREAMED and not self.shared.stop.is_set():
            try:
                self.wfile.write(chunk)
            except OSError:
                return
            sent += len(chunk)
        self.close_connection = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client hanging up on a hostile answer is the expected outcome, not news


class HostileServer:
    """A proxy in front of `upstream` (or, with `reply`, a server answering by itself)."""

    def __init__(self, upstream: str = "", reply: Callable[[Seen], Answer] | None = None) -> None:
        self.shared = _Shared(upstream=upstream.rstrip("/"), reply=reply)
        handler = type("Handler", (_Handler,), {"shared": self.shared})
        self._server = _Server(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def seen(self) -> list[Seen]:
        with self.shared.lock:
            return list(self.shared.seen)

    def add(self, rule: Rule) -> Rule:
        with self.shared.lock:
            self.shared.rules.append(rule)
        return rule

    def rewrite_json(
        self, method: str, path: str, change: Callable[[Any], Any], status: int | None = None
    ) -> Rule:
        """Replace the JSON body of matching answers with change(body)."""
        return self.add(
            Rule(method, path, rewrite=lambda a: a.with_json(change(_json_or_none(a)), status))
        )

    def start(self) -> HostileServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shared.stop.set()
        for rule in self.shared.rules:
            if rule.hold is not None:
                rule.hold.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def _raw(answer: Answer) -> bytes:
    head = [f"HTTP/1.1 {answer.status} Slow"]
    head += [f"{k}: {v}" for k, v in answer.headers]
    head += [f"Content-Length: {len(answer.body)}", "", ""]
    return "\r\n".join(head).encode() + answer.body


def _json_or_none(answer: Answer) -> Any:
    return answer.json() if answer.body.strip() else None


@contextmanager
def hostile_proxy(upstream: str) -> Iterator[HostileServer]:
    server = HostileServer(upstream).start()
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def capture_server(body: Any = None, status: int = 200) -> Iterator[HostileServer]:
    """Answers every request with `body` as JSON and records what reached it (headers too)."""
    payload = json.dumps(body if body is not None else {}).encode()
    answer = Answer(status, (("Content-Type", "application/json"),), payload)
    server = HostileServer(reply=lambda seen: answer).start()
    try:
        yield server
    finally:
        server.stop()
