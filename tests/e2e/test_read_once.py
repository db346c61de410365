"""A client that remembers its reads (the commands after a release: marketplace/once.py) sends
each read once, a read asked twice at once once too, and forgets them all at a write, so what
is read after a PUT is the live document."""

from __future__ import annotations

from functools import partial

from publisher.concurrency import side_by_side
from publisher.marketplace.client import Marketplace
from publisher.marketplace.connection import Connection, Credentials
from publisher.marketplace.revise import LISTING_SERVER_FIELDS, with_server_fields
from publisher.publish.payloads import comparable_listing
from publisher.sandbox import Fault, Sandbox
from tests.support.publisher import Publisher

BUILD = 2004000  # examples/release.yml's


def _client(sandbox: Sandbox) -> Marketplace:
    client = Marketplace(Connection(sandbox.url, Credentials(*sandbox.credentials)))
    client.remember_reads()
    return client


def _listing_path(app_id: str) -> str:
    return f"/rest/3/app-software/{app_id}/versions/{BUILD}/listing"


def _sent(sandbox: Sandbox, method: str, path: str) -> int:
    return len([e for e in sandbox.journal() if (e["method"], e["path"]) == (method, path)])


def test_a_remembered_read_is_sent_once_even_when_asked_twice_at_once(
    publisher: Publisher, sandbox: Sandbox
) -> None:
    assert publisher().code == 0
    client = _client(sandbox)
    [entry] = client.app_software("com.example.timesheets", "datacenter")
    app_id = str(entry["appSoftwareId"])
    sandbox.clear_journal()
    sandbox.add_fault(Fault("GET", _listing_path(app_id), action="delay", seconds=0.5))
    read = partial(client.get_listing, app_id, BUILD)
    first, second = side_by_side([read, read])  # the second asks while the first is held
    assert first == second == read()
    assert _sent(sandbox, "GET", _listing_path(app_id)) == 1
    assert client.app_software("com.example.timesheets", "server") != []  # from the same answer
    assert [e for e in sandbox.journal() if "/app-key/" in e["path"]] == []
    client.close()


def test_a_write_forgets_the_remembered_reads(publisher: Publisher, sandbox: Sandbox) -> None:
    assert publisher().code == 0
    client = _client(sandbox)
    [entry] = client.app_software("com.example.timesheets", "datacenter")
    app_id = str(entry["appSoftwareId"])
    sandbox.clear_journal()
    live = client.get_listing(app_id, BUILD)
    assert live is not None
    body = with_server_fields(comparable_listing(live), live, LISTING_SERVER_FIELDS)
    client.update_listing(app_id, BUILD, body)  # the same content: Marketplace moves its revision
    after = client.get_listing(app_id, BUILD)
    assert after is not None and after["revision"] != live["revision"]  # read again: live
    assert _sent(sandbox, "GET", _listing_path(app_id)) == 2
    client.close()
