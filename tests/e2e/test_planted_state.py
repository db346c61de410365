"""A publish against the sandbox with a state directory as a restored CI cache may hold it: a FIFO
or a link to /dev/zero as the ledger (read after the images are uploaded), a FIFO journal (read
at load), a journal folder linked out of the directory, and the upload lock held by a stuck
process. Each ends in a clear result within its bound, never a hang, a MemoryError or a write
outside the directory. The publisher runs as a child process, with a memory cap (a regression
reading /dev/zero must fail, not exhaust the machine) and a timeout (a regression must fail, not
hang)."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from publisher.state.journal import Journal
from tests.support.holder import holder_of
from tests.support.publisher import Publisher, versions

pytestmark = pytest.mark.timeout(180)

BUILD = 2004000
MEMORY_CAP = 2 << 30


def _memory_cap() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def _publish(publisher: Publisher, **env: str) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable, "-m", "publisher", "publish", str(publisher.release.path)]
    return subprocess.run(
        argv,
        env={**os.environ, **publisher.env, "MPAC_HTTP_TIMEOUT": "30", **env},
        preexec_fn=_memory_cap,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _state(publisher: Publisher) -> Path:
    state = Path(publisher.env["MPAC_STATE_DIR"])
    state.mkdir(parents=True, exist_ok=True)
    return state


def _journal(publisher: Publisher) -> Path:
    state = _state(publisher)
    return Journal(state, publisher.sandbox.url, "com.example.timesheets", BUILD).path


@pytest.mark.parametrize("kind", ["a FIFO", "a link to /dev/zero"])
def test_a_planted_ledger_is_ignored_with_a_warning_and_the_publish_finishes(
    publisher: Publisher, kind: str
) -> None:
    ledger = _state(publisher) / "uploads.json"
    if kind == "a FIFO":
        os.mkfifo(ledger)
    else:
        ledger.symlink_to("/dev/zero")
    done = _publish(publisher)
    text = done.stdout + done.stderr
    assert done.returncode == 0, text
    assert f"ignoring state file {ledger}" in text and "Traceback" not in text
    assert list(versions(publisher.sandbox.state())) == [BUILD]
    assert not ledger.is_symlink() and isinstance(json.loads(ledger.read_text()), dict)


def test_a_fifo_journal_is_ignored_at_load_and_the_publish_finishes(
    publisher: Publisher,
) -> None:
    journal = _journal(publisher)
    journal.parent.mkdir()
    os.mkfifo(journal)
    done = _publish(publisher)
    text = done.stdout + done.stderr
    assert done.returncode == 0, text
    assert f"ignoring state file {journal}: it is a named pipe (FIFO)" in text
    assert list(versions(publisher.sandbox.state())) == [BUILD]
    assert "steps" in json.loads(journal.read_text()), "the journal is a regular file again"


def test_a_journal_folder_linked_out_is_exit_9_before_anything_is_sent(
    publisher: Publisher, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (_state(publisher) / "journal").symlink_to(outside, target_is_directory=True)
    done = _publish(publisher)
    text = done.stdout + done.stderr
    assert done.returncode == 9, text
    assert "journal: it is a symbolic link, not a directory" in text
    assert publisher.writes() == [], "nothing may be sent"
    assert list(outside.iterdir()) == [], "nothing was written through the link"


def test_an_upload_lock_held_by_a_stuck_process_ends_at_the_run_deadline_naming_it(
    publisher: Publisher,
) -> None:
    ledger = _state(publisher) / "uploads.json"
    with holder_of(ledger) as stuck:
        started = time.monotonic()
        done = _publish(publisher, MPAC_RUN_DEADLINE="8")
        elapsed = time.monotonic() - started
    text = done.stdout + done.stderr
    assert done.returncode == 9, text
    assert f"held by pid {stuck.pid} on {os.uname().nodename!r}" in text
    assert "still held" in text and "MPAC_RUN_DEADLINE" in text
    assert elapsed < 60, elapsed
    assert versions(publisher.sandbox.state()) == {}, "no version without its artifact"
    publisher.sandbox.clear_journal()
    again = _publish(publisher)  # the holder is gone: the re-run finishes
    assert again.returncode == 0, again.stdout + again.stderr
