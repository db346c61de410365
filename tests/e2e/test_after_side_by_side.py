"""The commands after a release read side by side and each thing once (issue #24), and stay
deterministic: the same output order and the same first error whatever order answers arrive in.

Overlap is proved from the sandbox's journal (when each request started and was answered), with
one request held back by a delay fault: a request that starts before the delayed one is answered
was sent beside it; one at a time, it could not have been."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from publisher.sandbox import Sandbox, SandboxSettings
from publisher.sandbox.faults import Fault
from tests.e2e.aftercare import call, document
from tests.support.publisher import Publisher, Release

HELD = 1.0  # seconds the delayed request waits at the sandbox (the tests' HTTP timeout is 2 s)
APP = "com.example.timesheets"
BUILD = 2004000  # examples/release.yml's


@pytest.fixture
def two_hostings(tmp_path: Path) -> Iterator[Publisher]:
    """release.yml for datacenter and server, published to both."""
    seed = {
        "accounts": [
            {
                "email": "v@example.com",
                "token": "v-token",
                "apps": [{"key": APP, "hosting": ["datacenter", "server"]}],
            }
        ]
    }
    with Sandbox(settings=SandboxSettings(upload_spacing=0.2), seed=seed) as sandbox:
        publisher = Publisher(sandbox, Release(tmp_path / "repo"), tmp_path / "state")
        publisher.release.edit("hosting: datacenter", "hosting: [datacenter, server]")
        assert publisher("publish").code == 0
        publisher.sandbox.clear_journal()
        yield publisher


def _ids(publisher: Publisher) -> dict[str, str]:
    found = call(publisher, "status", APP, "--json")
    publisher.sandbox.clear_journal()
    return {h["hosting"]: h["app_software_id"] for h in document(found, "status")["hostings"]}


def _gets(publisher: Publisher) -> list[dict[str, Any]]:
    return [e for e in publisher.sandbox.journal() if e["method"] == "GET"]


def _one(entries: list[dict[str, Any]], path: str) -> dict[str, Any]:
    [entry] = [e for e in entries if e["path"] == path]
    return entry


def _repeated(entries: list[dict[str, Any]]) -> list[str]:
    counted = Counter((e["path"], str(sorted(e["query"].items()))) for e in entries)
    return [f"{path} {query}" for (path, query), n in counted.items() if n > 1]


def test_status_of_release_yml_reads_each_thing_once(two_hostings: Publisher) -> None:
    run = call(two_hostings, "status", str(two_hostings.release.path), "--json")
    assert document(run, "status")["result"] == "matches", run.text
    gets = _gets(two_hostings)
    assert _repeated(gets) == []
    lookups = [e for e in gets if e["path"].startswith("/rest/3/app-software/app-key/")]
    assert len(lookups) == 1, "one app-key lookup answers every hosting"
    assert len([e for e in gets if e["path"] == "/rest/3/parent-software"]) == 1


def test_compat_check_reads_each_thing_once(two_hostings: Publisher) -> None:
    run = call(two_hostings, "compat", "check", str(two_hostings.release.path), "--json")
    assert document(run, "compat-check")["result"] in ("current", "behind"), run.text
    assert _repeated(_gets(two_hostings)) == []


def test_status_reads_the_hostings_side_by_side_and_shows_them_in_order(
    two_hostings: Publisher,
) -> None:
    ids = _ids(two_hostings)
    first = f"/rest/3/app-software/{ids['datacenter']}/versions"
    two_hostings.sandbox.add_fault(Fault("GET", first, action="delay", seconds=HELD))
    run = call(two_hostings, "status", APP, "--json")
    found = document(run, "status")
    gets = _gets(two_hostings)
    held, other = _one(gets, first), _one(gets, f"/rest/3/app-software/{ids['server']}/versions")
    assert other["started"] < held["finished"] and other["finished"] < held["finished"]
    assert [h["hosting"] for h in found["hostings"]] == ["datacenter", "server"]
    text = call(two_hostings, "status", APP).text
    assert text.index("datacenter (") < text.index("server (")


def test_status_reports_the_first_hostings_error_though_it_answers_last(
    two_hostings: Publisher,
) -> None:
    ids = _ids(two_hostings)
    first = f"/rest/3/app-software/{ids['datacenter']}/versions"
    second = f"/rest/3/app-software/{ids['server']}/versions"
    sandbox = two_hostings.sandbox
    sandbox.add_fault(Fault("GET", first, action="delay", seconds=HELD))
    sandbox.add_fault(Fault("GET", first, status=403, code="FORBIDDEN", detail="first"))
    sandbox.add_fault(Fault("GET", second, status=403, code="FORBIDDEN", detail="second"))
    # the held request times out and is asked again (to be refused) well after the other's
    # refusal arrived
    run = call(two_hostings, "status", APP, "--json", MPAC_HTTP_TIMEOUT="0.5")
    found = document(run, "status")
    assert run.code != 0 and found["result"] == "failed"
    assert ids["datacenter"] in found["error"] and ids["server"] not in found["error"]


def test_compat_check_reads_the_live_versions_side_by_side(two_hostings: Publisher) -> None:
    ids = _ids(two_hostings)
    build = BUILD
    first = f"/rest/3/app-software/{ids['datacenter']}/versions/{build}"
    two_hostings.sandbox.add_fault(Fault("GET", first, action="delay", seconds=HELD))
    run = call(two_hostings, "compat", "check", str(two_hostings.release.path), "--json")
    found = document(run, "compat-check")
    gets = _gets(two_hostings)
    held = _one(gets, first)
    other = _one(gets, f"/rest/3/app-software/{ids['server']}/versions/{build}")
    assert other["started"] < held["finished"]
    assert [p["hosting"] for p in found["products"]] == ["datacenter", "server"]


def test_yank_checks_every_hosting_side_by_side(two_hostings: Publisher) -> None:
    ids = _ids(two_hostings)
    build = BUILD
    first = f"/rest/3/app-software/{ids['datacenter']}/versions/{build}/listing"
    two_hostings.sandbox.add_fault(Fault("GET", first, action="delay", seconds=HELD))
    run = call(two_hostings, "yank", str(two_hostings.release.path), "--json")
    document(run, "yank")
    gets = _gets(two_hostings)
    held = _one(gets, first)
    other = _one(gets, f"/rest/3/app-software/{ids['server']}/versions/{build}/listing")
    assert other["started"] < held["finished"]
