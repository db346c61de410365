"""A lock another process holds is waited for with a bound (the run's deadline) and a message
naming the holder (pid and host, as it recorded them in the lock file), then a clear exit 9;
never a silent wait past MPAC_RUN_DEADLINE. The holder is a real child process this test starts,
and the test waits on what the child says it has done, never on a guess about timing."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from publisher.state.errors import StateDirError
from publisher.state.lock import LockWait, locked
from tests.support.holder import holder_of, release

pytestmark = pytest.mark.timeout(60)  # the old code waited for the lock forever


@pytest.fixture
def held(tmp_path: Path) -> Iterator[tuple[Path, subprocess.Popen[str]]]:
    path = tmp_path / "uploads.json"
    with holder_of(path) as child:
        yield path, child


def test_a_lock_held_past_the_runs_deadline_is_exit_9_naming_the_holder(
    held: tuple[Path, subprocess.Popen[str]],
) -> None:
    path, child = held
    said: list[str] = []
    started = time.monotonic()
    wait = LockWait(ends=time.time() + 0.5, notify=said.append)
    with pytest.raises(StateDirError) as caught, locked(path, wait=wait):
        pass
    elapsed = time.monotonic() - started
    holder = f"pid {child.pid} on {os.uname().nodename!r}"
    assert caught.value.exit_code == 9
    assert f"{path}.lock: still held by {holder} since " in caught.value.message
    assert "the run's deadline" in caught.value.message
    assert "MPAC_RUN_DEADLINE" in (caught.value.advice or "")
    assert len(said) == 1 and f"is held by {holder}" in said[0] and "(at most 0." in said[0]
    assert 0.4 < elapsed < 10, elapsed


def test_a_deadline_already_passed_gives_up_at_once(
    held: tuple[Path, subprocess.Popen[str]],
) -> None:
    path, _child = held
    slept: list[float] = []
    wait = LockWait(ends=time.time() - 1, sleep=slept.append)
    with pytest.raises(StateDirError), locked(path, wait=wait):
        pass
    assert slept == []


def test_a_lock_released_during_the_wait_is_taken_and_says_it_waited(
    held: tuple[Path, subprocess.Popen[str]],
) -> None:
    path, child = held
    slept: list[float] = []

    def sleep(seconds: float) -> None:  # the holder lets go during the first pause
        slept.append(seconds)
        release(child)

    wait = LockWait(ends=time.time() + 30, sleep=sleep)
    with locked(path, wait=wait) as waited:
        assert waited
        record = (path.parent / "uploads.json.lock").read_text()
        assert f'"pid": {os.getpid()}' in record, "the new holder recorded itself"
    assert slept and max(slept) <= 0.25
    assert (path.parent / "uploads.json.lock").read_text() == "", "released: no stale holder"


def test_a_free_lock_is_taken_without_waiting(tmp_path: Path) -> None:
    slept: list[float] = []
    with locked(tmp_path / "uploads.json", wait=LockWait(sleep=slept.append)) as waited:
        assert not waited
    assert slept == []


def test_a_thread_of_this_run_holding_the_lock_is_never_reported_as_another_process(
    tmp_path: Path,
) -> None:
    """flock is per open file: without turns among threads, the images' journal records (written
    side by side) reported this run's own pid as a stranger holding the lock."""
    said: list[str] = []
    inside, go_on = threading.Event(), threading.Event()

    def hold() -> None:
        with locked(tmp_path / "journal.json"):
            inside.set()
            assert go_on.wait(30)

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert inside.wait(30)
        wait = LockWait(ends=time.time() + 0.3, notify=said.append)
        with pytest.raises(StateDirError) as caught, locked(tmp_path / "journal.json", wait=wait):
            pass
    finally:
        go_on.set()
        thread.join(30)
    assert said == [] and f"pid {os.getpid()}" not in caught.value.message
    assert "this run's other work" in caught.value.message
    with locked(tmp_path / "journal.json", wait=wait) as waited:
        assert not waited, "released by the thread: taken at once"
