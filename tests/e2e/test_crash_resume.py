"""Kill -9 the publisher at each step boundary and in the middle of the artifact upload; the next
run finishes with no duplicate version and no re-upload of a completed artifact."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from benchmarks.publish_memory import make_jar
from publisher.sandbox import Fault
from tests.e2e.conftest import Publisher, listings, versions

BUILD = 2004000
Ready = Callable[[dict[str, Any]], bool]


def _images_done(state: dict[str, Any]) -> bool:
    return len(state["images"]) >= 6


def _artifact_done(state: dict[str, Any]) -> bool:
    return len(state["artifacts"]) >= 1


def _version_done(state: dict[str, Any]) -> bool:
    return BUILD in versions(state)


KILL_POINTS: dict[str, tuple[str, str, Ready]] = {
    "after images, before the artifact": ("POST", "/rest/3/artifacts", _images_done),
    "after the artifact, before the version": (
        "POST",
        "/rest/3/app-software/*/versions",
        _artifact_done,
    ),
    "after the version, before the listing": (
        "POST",
        "/rest/3/app-software/*/versions/*/listing",
        _version_done,
    ),
}


def _start(publisher: Publisher) -> subprocess.Popen[str]:
    env = {**os.environ, **publisher.env, "MPAC_HTTP_TIMEOUT": "30"}
    argv = [sys.executable, "-m", "publisher", "publish", str(publisher.release.path)]
    return subprocess.Popen(
        argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def _recorded(publisher: Publisher, section: str) -> bool:
    """The publisher's own journal (in its state directory) has an entry in `section`."""
    for path in Path(publisher.env["MPAC_STATE_DIR"]).glob("journal/*.json"):
        try:
            if json.loads(path.read_text()).get(section):
                return True
        except (OSError, ValueError):
            continue  # being replaced right now
    return False


def _kill_when(
    process: subprocess.Popen[str], ready: Callable[[], bool], settle: float = 0.0
) -> None:
    for _ in range(400):  # bounded: 20 s at most
        if ready() or process.poll() is not None:
            break
        time.sleep(0.05)
    time.sleep(settle)
    assert process.poll() is None, "the publish ended before the kill point"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)


@pytest.mark.parametrize("point", list(KILL_POINTS))
def test_killed_at_a_step_boundary_the_next_run_finishes(publisher: Publisher, point: str) -> None:
    method, path, ready = KILL_POINTS[point]
    sandbox = publisher.sandbox
    sandbox.add_fault(Fault(method=method, path=path, action="delay", seconds=3.0, times=1))
    process = _start(publisher)
    # Past a step means the publisher recorded it too: the sandbox may answer before that.
    section = "images" if point == "after images, before the artifact" else "artifacts"
    _kill_when(process, lambda: ready(sandbox.state()) and _recorded(publisher, section))
    time.sleep(3.2)  # the delayed request may still complete on the server: like a lost answer
    sandbox.clear_journal()
    run = publisher()
    assert run.code == 0, run.text
    state = sandbox.state()
    assert list(versions(state)) == [BUILD] and BUILD in listings(state)
    uploads = [
        e for e in sandbox.journal() if e["method"] == "POST" and e["path"] == "/rest/3/artifacts"
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
    # The server reads nothing for 3 s, so the client is stuck part-way through the body.
    sandbox.add_fault(Fault(method="POST", path="/rest/3/artifacts", action="delay", seconds=3.0))
    process = _start(publisher)
    _kill_when(process, lambda: _images_done(sandbox.state()), settle=0.8)
    time.sleep(3.5)
    assert sandbox.state()["artifacts"] == {}, "the killed upload must not have completed"
    sandbox.clear_faults()
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
