"""The state directory against a real sandbox: damaged state is a warning, never a crash after an
upload; an unusable directory stops the run (exit 9, a JSON document) before anything is sent;
and image ids recalled from the journal that Marketplace no longer knows are uploaded again."""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from publisher.sandbox import Sandbox, SandboxSettings
from publisher.state.journal import Journal
from tests.support.publisher import SPACING, Publisher, Release, listings, versions

BUILD = 2004000


def _artifact_uploads(publisher: Publisher) -> int:
    """Uploads the sandbox accepted (a 429 for spacing is turned away, not an upload)."""
    return sum(
        1
        for e in publisher.sandbox.journal()
        if (e["method"], e["path"], e["outcome"]) == ("POST", "/rest/3/artifacts", "ok")
    )


@pytest.mark.parametrize(
    "damage",
    [
        [{"started": 1.0, "finished": "soon", "size": 1}],
        {"not": "a list"},
        [["an", "entry", "that", "is", "a", "list"]],
    ],
    ids=["finished is text", "account entry is an object", "entry is a list"],
)
def test_a_corrupted_ledger_does_not_crash_after_the_upload_and_the_artifact_is_journaled(
    publisher: Publisher, release: Release, damage: object
) -> None:
    assert publisher().code == 0
    ledger = Path(publisher.env["MPAC_STATE_DIR"]) / "uploads.json"
    ledger.write_text(json.dumps({key: damage for key in json.loads(ledger.read_text())}))
    release.edit(f"build: {BUILD}", f"build: {BUILD + 1}")  # a new version: a new upload
    publisher.sandbox.clear_journal()
    rebuild = ("publish", "--allow-duplicate-version")  # the same jar (2.4.0) as another build
    run = publisher(*rebuild)
    assert run.code == 0, run.text
    assert "warning" in run.text and "damaged" in run.text
    assert _artifact_uploads(publisher) == 1
    publisher.sandbox.clear_journal()
    again = publisher(*rebuild)
    assert again.code == 0, again.text
    assert publisher.writes() == [], "the artifact must not be uploaded again"


def test_a_ledger_write_failing_after_the_upload_does_not_lose_the_artifact(
    publisher: Publisher,
) -> None:
    """The journal records the artifact before the ledger: a ledger that cannot be written
    (here a directory in its place) stops the run clearly, and the re-run reuses the upload."""
    ledger = Path(publisher.env["MPAC_STATE_DIR"]) / "uploads.json"
    ledger.mkdir(parents=True)
    run = publisher()
    assert run.code == 9, run.text
    assert "state directory cannot be used" in run.text and "uploads.json" in run.text
    assert _artifact_uploads(publisher) == 1
    ledger.rmdir()
    publisher.sandbox.clear_journal()
    again = publisher()
    assert again.code == 0, again.text
    assert _artifact_uploads(publisher) == 0, "the uploaded artifact must be reused"


BROKEN_JOURNALS = {
    "artifacts is a list": '{"artifacts": ["x"]}',
    "images is a string": '{"images": "oops"}',
    "steps is a list (fails after the version is created)": '{"steps": []}',
    "not an object": "[1, 2]",
    "invalid JSON": '{"images": {',
}


@pytest.mark.parametrize("case", list(BROKEN_JOURNALS))
def test_a_wrong_typed_journal_is_treated_as_absent_with_a_warning(
    publisher: Publisher, case: str
) -> None:
    state = Path(publisher.env["MPAC_STATE_DIR"])
    path = Journal(state, publisher.sandbox.url, "com.example.timesheets", BUILD).path
    path.parent.mkdir(parents=True)
    path.write_text(BROKEN_JOURNALS[case])
    run = publisher()
    assert run.code == 0, run.text
    assert "treated as absent" in run.text
    assert list(versions(publisher.sandbox.state())) == [BUILD]
    assert isinstance(json.loads(path.read_text()), dict), "the journal is well-formed again"


def test_a_state_dir_that_is_a_file_is_exit_9_with_a_json_document_and_nothing_sent(
    publisher: Publisher, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the state directory should be")
    run = publisher("publish", "--json", MPAC_STATE_DIR=str(blocker))
    assert run.code == 9, run.text
    document = json.loads(run.out)
    assert document["exit_code"] == 9 and "state directory" in document["error"]
    assert str(blocker) in document["error"] and document["advice"]
    assert publisher.writes() == [], "nothing may be sent before the state dir is known good"


def _file_size_limit(limit: int) -> None:
    """Files may not grow past `limit` bytes (EFBIG): the disk refuses writes, like a full one."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def _publish_limited(publisher: Publisher, limit: int) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **publisher.env, "PYTHONDONTWRITEBYTECODE": "1"}
    argv = [sys.executable, "-m", "publisher", "publish", "--json", str(publisher.release.path)]
    return subprocess.run(
        argv,
        env=env,
        preexec_fn=lambda: _file_size_limit(limit),
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("limit", [0, 16], ids=["no file may grow", "less than the probe"])
def test_a_state_dir_that_refuses_writes_is_exit_9_before_anything_is_sent(
    publisher: Publisher, limit: int
) -> None:
    done = _publish_limited(publisher, limit)
    assert done.returncode == 9, done.stdout + done.stderr
    document = json.loads(done.stdout)
    assert document["exit_code"] == 9 and "cannot be used" in document["error"]
    assert "Traceback" not in done.stderr
    assert publisher.writes() == []


def test_a_state_write_failing_mid_run_is_a_clear_error_not_a_traceback(
    publisher: Publisher,
) -> None:
    # Room for the probe and the first image record, not for the second: the disk fills mid-run.
    done = _publish_limited(publisher, 300)
    assert done.returncode == 9, done.stdout + done.stderr
    document = json.loads(done.stdout)
    assert "state directory cannot be used" in document["error"]
    assert "Traceback" not in done.stderr and "bug" not in done.stderr
    assert publisher.writes(), "the failure came after the first upload (mid-run)"
    again = publisher()  # with room again, the next run finishes
    assert again.code == 0, again.text


def test_recalled_image_ids_unknown_after_a_sandbox_restart_are_uploaded_again(
    release: Release, tmp_path: Path
) -> None:
    state = tmp_path / "state"
    settings = SandboxSettings(upload_spacing=SPACING)
    with Sandbox(settings=settings, port=0) as first:
        port = first.port
        assert Publisher(first, release, state)().code == 0
    # An ordinary rehearsal: the sandbox restarts on the same port and has forgotten everything.
    with Sandbox(settings=settings, port=port) as second:
        publisher = Publisher(second, release, state)
        runs = [publisher() for _ in range(3)]
        assert [r.code for r in runs] == [0, 0, 0], "\n".join(r.text for r in runs)
        assert "uploading those images again" in runs[0].text
        sandbox_state = second.state()
        assert list(versions(sandbox_state)) == [BUILD] and BUILD in listings(sandbox_state)
        assert len(sandbox_state["images"]) == 6, "each image uploaded once to the new server"
        second.clear_journal()
        assert publisher().code == 0 and publisher.writes() == []
