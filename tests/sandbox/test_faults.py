"""Fault injection: each action, skip/times, globs, and the control API."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import pytest
import requests

from publisher.sandbox import Fault, Sandbox
from tests.support.api import TIMEOUT, Api
from tests.support.artifacts import jar_bytes
from tests.support.openapi import validate_schema


def wait_for(condition: Callable[[], Any], timeout: float = 5.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def versions_of(sandbox: Sandbox, dc: str) -> dict[int, Any]:
    result: dict[int, Any] = sandbox.state()["apps"][dc]["versions"]
    return result


def test_status_fault_replies_without_touching_state(api: Api, dc: str, artifact: str) -> None:
    api.sandbox.add_fault(
        Fault(
            method="POST",
            path="/rest/3/app-software/*/versions",
            action="status",
            status=503,
            retry_after=7,
        )
    )
    response = api.post(f"/rest/3/app-software/{dc}/versions", json=api.version_body(artifact))
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "7"
    validate_schema("ErrorResponse", response.json())
    assert response.json()["errors"][0]["status"] == "503"
    assert versions_of(api.sandbox, dc) == {}
    entry = api.sandbox.journal()[-1]
    assert (entry["status"], entry["outcome"]) == (503, "fault:status")
    # times=1: the next call goes through
    response = api.post(f"/rest/3/app-software/{dc}/versions", json=api.version_body(artifact))
    assert response.status_code == 201


def test_skip_and_times(api: Api) -> None:
    api.sandbox.add_fault(
        Fault(method="GET", path="/rest/3/parent-software", status=502, skip=2, times=2)
    )
    statuses = [api.get("/rest/3/parent-software").status_code for _ in range(5)]
    assert statuses == [200, 200, 502, 502, 200]


def test_times_none_is_every_call_until_cleared(api: Api) -> None:
    api.sandbox.add_fault(
        Fault(method="*", path="/rest/3/parent-software*", status=500, times=None)
    )
    assert api.get("/rest/3/parent-software").status_code == 500
    assert api.get("/rest/3/parent-software/x/versions").status_code == 500
    assert len(api.sandbox.faults()) == 1
    api.sandbox.clear_faults()
    assert api.get("/rest/3/parent-software").status_code == 200


def test_status_fault_on_an_upload_drains_the_body(api: Api) -> None:
    api.sandbox.add_fault(Fault(method="POST", path="/rest/3/artifacts", status=503))
    assert api.upload_artifact(jar_bytes(filler=500_000)).status_code == 503
    assert api.sandbox.state()["uploads"] == []
    assert api.upload_artifact(jar_bytes()).status_code == 200  # same connection, still in sync


def test_delay_lets_the_write_happen_after_the_client_gave_up(
    api: Api, dc: str, artifact: str
) -> None:
    api.sandbox.add_fault(
        Fault(
            method="POST", path=f"/rest/3/app-software/{dc}/versions", action="delay", seconds=1.0
        )
    )
    with pytest.raises(requests.ReadTimeout):
        api.post(
            f"/rest/3/app-software/{dc}/versions", json=api.version_body(artifact), timeout=0.3
        )
    assert versions_of(api.sandbox, dc) == {}  # not yet
    assert wait_for(lambda: versions_of(api.sandbox, dc))
    # A blind retry now meets the duplicate-build rule.
    response = api.post(f"/rest/3/app-software/{dc}/versions", json=api.version_body(artifact))
    assert response.json()["errors"][0]["detail"] == "Build number already exists"


def test_reset_request_mid_upload(api: Api) -> None:
    api.sandbox.add_fault(Fault(method="POST", path="/rest/3/artifacts", action="reset_request"))
    with pytest.raises(requests.ConnectionError):
        api.upload_artifact(jar_bytes(filler=2_000_000))
    state = api.sandbox.state()
    assert (state["artifacts"], state["uploads"]) == ({}, [])
    entry = api.sandbox.journal()[-1]
    assert (entry["status"], entry["outcome"]) == (None, "fault:reset_request")
    assert api.upload_artifact(jar_bytes()).status_code == 200


def test_reset_request_on_a_small_json_post(api: Api, dc: str, artifact: str) -> None:
    api.sandbox.add_fault(
        Fault(method="POST", path="/rest/3/app-software/*/versions", action="reset_request")
    )
    with pytest.raises(requests.ConnectionError):
        api.post(f"/rest/3/app-software/{dc}/versions", json=api.version_body(artifact))
    assert versions_of(api.sandbox, dc) == {}


def test_truncate_response_after_handling(api: Api, dc: str, version: int) -> None:
    api.sandbox.add_fault(
        Fault(method="GET", path="/rest/3/app-software/*/versions/*", action="truncate_response")
    )
    with pytest.raises((requests.exceptions.ChunkedEncodingError, requests.ConnectionError)):
        api.get(f"/rest/3/app-software/{dc}/versions/{version}").json()
    assert api.get(f"/rest/3/app-software/{dc}/versions/{version}").status_code == 200


def test_truncate_an_empty_201_is_an_error_too(api: Api, dc: str, artifact: str) -> None:
    api.sandbox.add_fault(
        Fault(method="POST", path=f"/rest/3/app-software/{dc}/versions", action="truncate_response")
    )
    with pytest.raises(requests.ConnectionError):
        api.post(f"/rest/3/app-software/{dc}/versions", json=api.version_body(artifact))
    assert 2004000 in versions_of(api.sandbox, dc)  # handled normally: the write happened


def test_drop_response_after_the_write(api: Api, dc: str, artifact: str) -> None:
    api.sandbox.add_fault(
        Fault(method="POST", path="/rest/3/app-software/*/versions", action="drop_response")
    )
    with pytest.raises(requests.ConnectionError):
        api.post(f"/rest/3/app-software/{dc}/versions", json=api.version_body(artifact))
    assert 2004000 in versions_of(api.sandbox, dc)
    entry = api.sandbox.journal()[-1]
    assert (entry["status"], entry["outcome"]) == (201, "fault:drop_response")


def test_drop_response_on_an_upload_still_stores_the_artifact(api: Api) -> None:
    api.sandbox.add_fault(Fault(method="POST", path="/rest/3/artifacts", action="drop_response"))
    with pytest.raises(requests.ConnectionError):
        api.upload_artifact(jar_bytes())
    assert len(api.sandbox.state()["artifacts"]) == 1


def test_fault_validation() -> None:
    with pytest.raises(ValueError):
        Fault(method="GET", path="/x", action="explode")
    with pytest.raises(ValueError):
        Fault(method="GET", path="x")
    with pytest.raises(ValueError):
        Fault(method="GET", path="/x", times=0)


def test_journal_records_calls_without_credentials(api: Api, dc: str, artifact: str) -> None:
    body = api.version_body(artifact)  # (looks up parent software)
    api.sandbox.clear_journal()
    api.get("/rest/3/app-software/app-key/com.example.timesheets", params={"hosting": "datacenter"})
    api.post(f"/rest/3/app-software/{dc}/versions", json=body)
    requests.get(
        api.base + "/rest/3/parent-software", auth=("demo@example.com", "bad"), timeout=TIMEOUT
    )
    lookup, create, denied = api.sandbox.journal()
    assert lookup["query"] == {"hosting": ["datacenter"]}
    assert (lookup["method"], lookup["status"], lookup["account"]) == (
        "GET",
        200,
        "demo@example.com",
    )
    assert create["body_summary"]["buildNumber"] == 2004000
    assert (create["status"], create["outcome"]) == (201, "ok")
    assert create["started"] <= create["finished"]
    assert (denied["status"], denied["account"], denied["outcome"]) == (401, None, "error")
    assert lookup["headers"]["Authorization"] == "<redacted>"
    text = json.dumps(api.sandbox.journal()) + json.dumps(api.sandbox.state())
    assert "sandbox-demo-token" not in text
    assert "ZGVtb0BleGFtcGxlLmNvbTpzYW5kYm94LWRlbW8tdG9rZW4" not in text  # base64 of email:token


def test_upload_journal_summary(api: Api) -> None:
    data = jar_bytes()
    api.upload_artifact(data, "t.jar")
    assert api.sandbox.journal()[-1]["body_summary"] == {"file": "t.jar", "bytes": len(data)}


def test_control_api(api: Api, dc: str, artifact: str) -> None:
    control = api.base + "/_sandbox"
    fault = {
        "method": "POST",
        "path": "/rest/3/app-software/*/versions",
        "action": "status",
        "status": 500,
    }
    response = requests.post(control + "/faults", json=fault, timeout=TIMEOUT)
    assert response.status_code == 201
    assert response.json()[0]["timesLeft"] == 1
    assert (
        api.post(f"/rest/3/app-software/{dc}/versions", json=api.version_body(artifact)).status_code
        == 500
    )
    journal = requests.get(control + "/journal", timeout=TIMEOUT).json()
    assert journal[-1]["outcome"] == "fault:status"
    assert all(not e["path"].startswith("/_sandbox") for e in journal)
    requests.post(control + "/faults", json=[fault, {**fault, "status": 502}], timeout=TIMEOUT)
    assert requests.delete(control + "/faults", timeout=TIMEOUT).status_code == 204
    assert requests.get(control + "/faults", timeout=TIMEOUT).json() == []
    assert (
        api.post(f"/rest/3/app-software/{dc}/versions", json=api.version_body(artifact)).status_code
        == 201
    )
    state = requests.get(control + "/state", timeout=TIMEOUT).json()
    assert "2004000" in state["apps"][dc]["versions"]  # JSON object keys are strings
    assert requests.delete(control + "/journal", timeout=TIMEOUT).status_code == 204
    assert requests.get(control + "/journal", timeout=TIMEOUT).json() == []
    bad = requests.post(
        control + "/faults", json={"method": "GET", "path": "/x", "action": "boom"}, timeout=TIMEOUT
    )
    assert bad.status_code == 400
    bad = requests.post(
        control + "/faults", json={"method": "GET", "path": "/x", "colour": "red"}, timeout=TIMEOUT
    )
    assert bad.status_code == 400


def test_control_api_can_be_disabled(make_sandbox) -> None:  # type: ignore[no-untyped-def]
    sandbox = make_sandbox(control_api=False)
    response = requests.get(sandbox.url + "/_sandbox/journal", timeout=TIMEOUT)
    assert response.status_code == 404
