"""Two publishes of the same release at once: one artifact upload, one version, both succeed
(issue 10 #17)."""

from __future__ import annotations

import json
import subprocess
import threading
from pathlib import Path

from publisher.sandbox import Sandbox
from tests.support.hostile import Answer, HostileServer, Rule
from tests.support.publisher import Publisher, listings, versions

BUILD = 2004000
VERSION = rf"^/rest/3/app-software/[^/]+/versions/{BUILD}$"
TAKEN = json.dumps({"errors": [{"status": "400", "detail": "Build number already exists"}]})


def _together(
    one: Publisher, two: Publisher
) -> tuple[subprocess.Popen[str], subprocess.Popen[str], list[str]]:
    """Both publishes started at once and waited for (bounded); their outputs."""
    first, second = one.spawn(), two.spawn()
    try:
        outs = [p.communicate(timeout=60)[0] for p in (first, second)]
    finally:
        for process in (first, second):
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)
    return first, second, outs


def test_concurrent_publishes_of_one_release_upload_once_and_both_succeed(
    via_proxy: Publisher, proxy: HostileServer, sandbox: Sandbox
) -> None:
    # A barrier on the version read: neither run reads it before the other asks, so both
    # read "not there" and plan "upload, then create", and race for the upload slot.
    barrier = proxy.add(Rule("GET", VERSION, hold=threading.Event(), barrier=2, times=2))
    first, second, outs = _together(via_proxy, via_proxy)
    assert not barrier.gave_up, "the two runs never read the version at the same time"
    assert [first.returncode, second.returncode] == [0, 0], outs
    uploads = [
        e for e in sandbox.journal() if (e["method"], e["path"]) == ("POST", "/rest/3/artifacts")
    ]
    assert len(uploads) == 1, "the second run uploaded the artifact again"
    state = sandbox.state()
    assert list(versions(state)) == [BUILD] and BUILD in listings(state)
    assert len(state["artifacts"]) == 1


def test_concurrent_publishes_from_two_machines_both_succeed(
    via_proxy: Publisher, proxy: HostileServer, sandbox: Sandbox, tmp_path: Path
) -> None:
    # Two state directories: no shared slot or journal, so both upload; the slower create gets
    # "already exists", reads the version back and finishes instead of failing.
    barrier = proxy.add(Rule("GET", VERSION, hold=threading.Event(), barrier=2, times=2))
    other = Publisher(sandbox, via_proxy.release, tmp_path / "other-machine")
    other.env["MPAC_API_URL"] = proxy.url
    first, second, outs = _together(via_proxy, other)
    assert not barrier.gave_up, "the two runs never read the version at the same time"
    assert [first.returncode, second.returncode] == [0, 0], outs
    state = sandbox.state()
    assert list(versions(state)) == [BUILD] and BUILD in listings(state)


def test_already_exists_on_create_is_verified_by_a_re_read(
    via_proxy: Publisher, proxy: HostileServer, sandbox: Sandbox
) -> None:
    # The create reaches Marketplace, but the answer says the build already exists, as it does
    # for the slower of two runs: the version is read back and the publish completes.
    proxy.add(Rule("POST", r"^/rest/3/app-software/[^/]+/versions$", rewrite=_taken, times=1))
    run = via_proxy()
    assert run.code == 0, run.text
    state = sandbox.state()
    assert list(versions(state)) == [BUILD] and BUILD in listings(state)


def test_already_exists_for_a_version_that_is_not_there_is_still_a_rejection(
    via_proxy: Publisher, proxy: HostileServer
) -> None:
    # The create answers "already exists" but the version never reads back: not ours, refused.
    proxy.add(Rule("POST", r"^/rest/3/app-software/[^/]+/versions$", rewrite=_taken))
    proxy.add(Rule("GET", VERSION, rewrite=_not_found))
    run = via_proxy()
    assert run.code == 6, run.text
    assert "Build number already exists" in run.text


def _taken(answer: Answer) -> Answer:
    return Answer(400, (("Content-Type", "application/json"),), TAKEN.encode())


def _not_found(answer: Answer) -> Answer:
    return Answer(404, (("Content-Type", "application/json"),), b'{"errors": []}')
