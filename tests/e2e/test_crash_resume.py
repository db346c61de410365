"""Kill -9 the publisher at each step boundary and in the middle of the artifact upload; the next
run finishes with no duplicate version and no re-upload of a completed artifact.

Every wait is on something recorded, never on timing: what the publisher journaled (its state
files), that the sandbox received the next request (its one-shot fault was taken), and that the
sandbox finished the delayed request (its journal), each bounded."""

from __future__ import annotations

import contextlib
import fnmatch
import json
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from benchmarks.publish_memory import make_jar
from publisher.sandbox import Fault, Sandbox
from tests.support.publisher import Publisher, listings, versions

BUILD = 2004000
Recorded = Callable[[dict[str, Any]], bool]  # a test on what the client's journal holds
BOUND = 400  # polls of 0.05 s: 20 s at most for anything a test waits on


def _section(journal: dict[str, Any], name: str) -> dict[str, Any]:
    found = journal.get(name)
    return found if isinstance(found, dict) else {}


KILL_POINTS: dict[str, tuple[str, str, Recorded]] = {
    # (the request in flight when the client is killed, what the client has journaled by then)
    "after images, before the artifact": (
        "POST",
        "/rest/3/artifacts",
        lambda j: len(_section(j, "images")) >= 6,
    ),
    "after the artifact, before the version": (
        "POST",
        "/rest/3/app-software/*/versions",
        lambda j: len(_section(j, "artifacts")) >= 1,
    ),
    "after the version, before the listing": (
        "POST",
        "/rest/3/app-software/*/versions/*/listing",
        lambda j: "version:datacenter" in _section(j, "steps"),
    ),
}


def _client_journal(publisher: Publisher) -> dict[str, Any]:
    """What the publisher process has recorded (its journal files are written atomically)."""
    merged: dict[str, Any] = {}
    for path in (Path(publisher.env["MPAC_STATE_DIR"]) / "journal").glob("*.json"):
        with contextlib.suppress(OSError, ValueError):
            merged.update(json.loads(path.read_text()))
    return merged


def _wait_for(what: str, ready: Callable[[], bool], process: subprocess.Popen[str] | None) -> None:
    for _ in range(BOUND):
        if ready() or (process is not None and process.poll() is not None):
            break
        time.sleep(0.05)
    if process is not None:
        assert process.poll() is None, f"the publish ended before {what}"
    assert ready(), f"gave up waiting for {what}"


def _received(sandbox: Sandbox) -> bool:
    """The sandbox has taken the one-shot fault: the request is in flight (being delayed)."""
    return sandbox.faults() == []


def _recorded(sandbox: Sandbox, method: str, path: str) -> bool:
    """The sandbox has finished the delayed request and journaled it (the answer is lost)."""
    return any(
        e["method"] == method and fnmatch.fnmatch(e["path"], path) for e in sandbox.journal()
    )


def _kill(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)


@pytest.mark.parametrize("point", list(KILL_POINTS))
def test_killed_at_a_step_boundary_the_next_run_finishes(publisher: Publisher, point: str) -> None:
    method, path, journaled = KILL_POINTS[point]
    sandbox = publisher.sandbox
    sandbox.clear_journal()
    sandbox.add_fault(Fault(method=method, path=path, action="delay", seconds=3.0, times=1))
    process = publisher.spawn()
    # Killed once the client has journaled the step AND the next request is in flight.
    _wait_for(
        f"the journal to record {point}",
        lambda: journaled(_client_journal(publisher)) and _received(sandbox),
        process,
    )
    _kill(process)
    # The delayed request completes on the server after the client died: a lost answer.
    _wait_for("the delayed request to finish", lambda: _recorded(sandbox, method, path), None)
    sandbox.clear_journal()
    run = publisher()
    assert run.code == 0, run.text
    state = sandbox.state()
    assert list(versions(state)) == [BUILD] and BUILD in listings(state)
    # Uploads the sandbox accepted: right after the lost upload (which the killed client could
    # not record in its ledger), a 429 for spacing may come first; it is turned away, not stored.
    uploads = [
        e
        for e in sandbox.journal()
        if (e["method"], e["path"]) == ("POST", "/rest/3/artifacts") and e["status"] != 429
    ]
    if point == "after images, before the artifact":
        # The delayed upload completed on the server after the client died: its answer was lost
        # with the process, so one more upload is what a lost response forces, and no more.
        assert len(uploads) == 1 and len(state["artifacts"]) <= 2
    else:
        assert uploads == [], "a completed artifact was uploaded again"
        assert len(state["artifacts"]) == 1


def test_killed_mid_upload_the_next_run_uploads_once_and_finishes(publisher: Publisher) -> None:
    make_jar(publisher.release.root / "target" / "timesheets-2.4.0.jar", 20)
    sandbox = publisher.sandbox
    sandbox.clear_journal()
    # The server reads nothing for 3 s, so the client is stuck part-way through the body.
    sandbox.add_fault(
        Fault(method="POST", path="/rest/3/artifacts", action="delay", seconds=3.0, times=1)
    )
    process = publisher.spawn()
    _wait_for("the artifact upload to start", lambda: _received(sandbox), process)
    _kill(process)
    _wait_for(
        "the server to end the killed upload",
        lambda: _recorded(sandbox, "POST", "/rest/3/artifacts"),
        None,
    )
    assert sandbox.state()["artifacts"] == {}, "the killed upload must not have completed"
    run = publisher()
    assert run.code == 0, run.text
    state = sandbox.state()
    assert len(state["artifacts"]) == 1 and list(versions(state)) == [BUILD]


def test_state_files_hold_no_secret(publisher: Publisher, tmp_path: Path) -> None:
    assert publisher().code == 0
    token = publisher.env["MPAC_TOKEN"]
    for path in Path(publisher.env["MPAC_STATE_DIR"]).rglob("*"):
        if path.is_file():
            assert token not in path.read_text(errors="replace")
