"""The control API (no auth) answers only what a local script sends: a loopback Host name and,
for a write, a JSON body, so a web page in the user's browser can neither read it through DNS
rebinding nor write to it with a cross-site form. Raw http.client requests, so every header is
exactly what the test says."""

from __future__ import annotations

import http.client
import json

import pytest

from publisher.sandbox import Sandbox

FAULT = json.dumps({"method": "GET", "path": "/rest/3/artifacts/x", "action": "status"})


def _send(
    sandbox: Sandbox, method: str, path: str, host: str | None, **headers: str
) -> tuple[int, bytes]:
    port = sandbox.port
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        if host is not None:
            connection.putheader("Host", host)
        body = FAULT.encode() if method == "POST" else b""
        for name, value in {**headers, "Content-Length": str(len(body))}.items():
            connection.putheader(name, value)
        connection.endheaders(body)
        answer = connection.getresponse()
        return answer.status, answer.read()
    finally:
        connection.close()


@pytest.mark.parametrize(
    "host", ["evil.example", "evil.example:{port}", "127.0.0.1.evil.example", "a@127.0.0.1", ""]
)
def test_a_host_that_is_not_loopback_gets_421_and_no_journal(sandbox: Sandbox, host: str) -> None:
    port = sandbox.port
    status, body = _send(sandbox, "GET", "/_sandbox/journal", host.format(port=port))
    assert status == 421
    assert "loopback" in json.loads(body)["error"]


def test_a_missing_host_or_another_port_is_refused_too(sandbox: Sandbox) -> None:
    assert _send(sandbox, "GET", "/_sandbox/state", None)[0] == 421
    assert _send(sandbox, "GET", "/_sandbox/state", "127.0.0.1:1")[0] == 421


@pytest.mark.parametrize("name", ["127.0.0.1", "localhost", "LOCALHOST", "[::1]"])
def test_loopback_hosts_with_or_without_the_port_are_answered(sandbox: Sandbox, name: str) -> None:
    port = sandbox.port
    for host in (name, f"{name}:{port}"):
        status, body = _send(sandbox, "GET", "/_sandbox/journal", host)
        assert status == 200 and isinstance(json.loads(body), list)


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", None],
)
def test_a_control_write_that_is_not_declared_json_gets_415_and_arms_nothing(
    sandbox: Sandbox, content_type: str | None
) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    status, body = _send(sandbox, "POST", "/_sandbox/faults", "127.0.0.1", **headers)
    assert status == 415 and "application/json" in json.loads(body)["error"]
    assert sandbox.faults() == []


def test_a_json_control_write_from_loopback_still_arms_a_fault(sandbox: Sandbox) -> None:
    headers = {"Content-Type": "application/json; charset=utf-8"}
    status, body = _send(sandbox, "POST", "/_sandbox/faults", "localhost", **headers)
    assert status == 201 and len(json.loads(body)) == 1


def test_the_marketplace_api_itself_is_not_gated_by_the_host(sandbox: Sandbox) -> None:
    # The API needs credentials anyway; only the unauthenticated control API is guarded.
    status, _ = _send(sandbox, "GET", "/rest/3/parent-software", "marketplace.example")
    assert status != 421
