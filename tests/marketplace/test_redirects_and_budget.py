"""Credentials never follow a redirect to another host; the upload budget is checked up front."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from publisher.marketplace.client import Marketplace
from publisher.marketplace.connection import Connection, Credentials
from publisher.marketplace.errors import ApiRejectedError
from publisher.state.ledger import Limits, UploadLedger
from tests.support.replies import reply_json


class Recorder(BaseHTTPRequestHandler):
    seen: list[tuple[int, str | None]]
    location: str = ""

    def do_GET(self) -> None:
        self.seen.append((self.server.server_address[1], self.headers.get("Authorization")))
        if self.location:
            self.send_response(302)
            self.send_header("Location", self.location + self.path)
            self.end_headers()
        else:
            reply_json(self, 200, b'{"id": "x", "buildNumber": 1}')

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def servers() -> Iterator[tuple[str, str, list[tuple[int, str | None]]]]:
    seen: list[tuple[int, str | None]] = []
    other = type("Other", (Recorder,), {"seen": seen, "location": ""})
    target = ThreadingHTTPServer(("127.0.0.1", 0), other)
    elsewhere = f"http://127.0.0.1:{target.server_address[1]}"
    first = type("First", (Recorder,), {"seen": seen, "location": elsewhere})
    origin = ThreadingHTTPServer(("127.0.0.1", 0), first)
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in (origin, target)]
    for t in threads:
        t.start()
    yield f"http://127.0.0.1:{origin.server_address[1]}", elsewhere, seen
    for s in (origin, target):
        s.shutdown()
        s.server_close()


def test_a_redirect_to_another_host_is_refused_without_sending_credentials(servers) -> None:  # type: ignore[no-untyped-def]
    root, _elsewhere, seen = servers
    client = Marketplace(Connection(root, Credentials("a@b.c", "secret-token-1")))
    with pytest.raises(ApiRejectedError, match="never sends your credentials to another host"):
        client.get_version("app", 1)
    assert len(seen) == 1, "the other host must not be contacted at all"
    assert seen[0][1] is not None  # the API root itself did get the credentials


def test_budget_says_when_it_frees(tmp_path: Path) -> None:
    now = [10_000.0]
    ledger = UploadLedger(tmp_path / "u.json", "acct", limits=Limits(), clock=lambda: now[0])
    ledger.record(now[0] - 3600, now[0] - 3500, 400_000_000)
    ledger.record(now[0] - 600, now[0] - 500, 300_000_000)
    assert ledger.used() == 700_000_000
    assert ledger.frees_at(40_000_000) is None
    frees = ledger.frees_at(100_000_000)
    assert frees == now[0] - 3500 + 7200  # when the older upload leaves the 2-hour window
    assert ledger.frees_at(800_000_000) == float("inf")
    assert ledger.wait_needed() == 0.0
    ledger.record(now[0] - 4, now[0] - 3, 1)
    assert ledger.wait_needed() == pytest.approx(7.0)
