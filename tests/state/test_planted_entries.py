"""A state directory as a CI cache may restore it: entries planted by whoever wrote the cache
(links out of it, dangling links, FIFOs, a link to /dev/zero, a huge file). Reads never hang,
never follow a link and never fill memory (a warning, treated as absent); writes and locks never
write through a link (the link is replaced, or the run stops with exit 9 naming the entry)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from publisher.errors import ExitCode
from publisher.state.directory import check_state_dir, read_json, write_json
from publisher.state.entries import MAX_STATE_BYTES
from publisher.state.errors import StateDirError
from publisher.state.journal import Journal
from publisher.state.ledger import UploadLedger
from publisher.state.lock import locked

pytestmark = pytest.mark.timeout(30)  # the old code blocked forever on a FIFO

OUTSIDE = '{"outside": "the target of a planted link"}'


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A file out of the state directory that a planted link points at."""
    target = tmp_path / "outside" / "target.json"
    target.parent.mkdir()
    target.write_text(OUTSIDE)
    return target


@pytest.fixture
def state(tmp_path: Path) -> Path:
    directory = tmp_path / "state"
    directory.mkdir()
    return directory


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _huge(path: Path) -> None:
    with open(path, "wb") as out:  # sparse: past the cap without using the disk
        out.truncate(MAX_STATE_BYTES + 1)


def _to_dev_zero(path: Path) -> None:
    path.symlink_to("/dev/zero")


def _dangling(path: Path) -> None:
    path.symlink_to(path.parent / "nowhere" / "file.json")


PLANTED: dict[str, tuple[Callable[[Path], None], str]] = {
    "a FIFO": (_fifo, "is a named pipe (FIFO), not a regular file"),
    "a link to /dev/zero": (_to_dev_zero, "is a symbolic link"),
    "a dangling link": (_dangling, "is a symbolic link"),
    "a file over the size cap": (_huge, f"is larger than {MAX_STATE_BYTES} bytes"),
}


@pytest.mark.parametrize("case", list(PLANTED))
def test_a_planted_state_file_is_ignored_with_a_warning_never_a_hang(
    state: Path, case: str
) -> None:
    plant, said = PLANTED[case]
    plant(state / "uploads.json")
    warnings: list[str] = []
    assert read_json(state / "uploads.json", warnings.append) == {}
    assert len(warnings) == 1, warnings
    assert f"ignoring state file {state / 'uploads.json'}: it {said}" in warnings[0]


def test_a_state_file_linked_out_of_the_directory_is_not_read(state: Path, outside: Path) -> None:
    (state / "uploads.json").symlink_to(outside)
    warnings: list[str] = []
    assert read_json(state / "uploads.json", warnings.append) == {}
    assert "is a symbolic link" in warnings[0]


def test_a_planted_ledger_link_is_replaced_by_the_write_and_its_target_is_untouched(
    state: Path, outside: Path
) -> None:
    (state / "uploads.json").symlink_to(outside)
    warnings: list[str] = []
    ledger = UploadLedger(
        state / "uploads.json", "acct", clock=lambda: 1000.0, warn=warnings.append
    )
    ledger.record(990.0, 995.0, 10)
    assert outside.read_text() == OUTSIDE
    written = state / "uploads.json"
    assert not written.is_symlink() and "outside" not in written.read_text()
    assert [r.size for r in ledger.records()] == [10]
    assert any("is a symbolic link" in w for w in warnings)


def test_a_planted_journal_file_link_is_replaced_and_its_target_is_untouched(
    state: Path, outside: Path
) -> None:
    journal = Journal(state, "https://api.example.com", "app", 1)
    journal.path.parent.mkdir()
    journal.path.symlink_to(outside)
    journal.record_step("version:datacenter", "abc", "created")
    assert outside.read_text() == OUTSIDE
    assert not journal.path.is_symlink() and "outside" not in journal.path.read_text()


def test_a_journal_folder_linked_out_is_exit_9_and_nothing_is_written_outside(
    state: Path, outside: Path
) -> None:
    (state / "journal").symlink_to(outside.parent, target_is_directory=True)
    warnings: list[str] = []
    journal = Journal(state, "https://api.example.com", "app", 1, warn=warnings.append)
    (outside.parent / journal.path.name).write_text('{"images": {"icon:x": "planted-id"}}')
    assert journal.image("x", "icon") is None, "a journal outside the directory is not read"
    assert any("journal: it is a symbolic link, not a directory" in w for w in warnings)
    with pytest.raises(StateDirError) as checked:
        check_state_dir(state)
    assert checked.value.exit_code == ExitCode.STATE_DIR
    assert f"{state / 'journal'}: it is a symbolic link, not a directory" in checked.value.message
    with pytest.raises(StateDirError):
        journal.record_step("version:datacenter", "abc", "created")
    assert sorted(p.name for p in outside.parent.iterdir()) == sorted(
        ["target.json", journal.path.name]
    ), "no lock, temp or journal file was made through the link"


def test_a_state_write_never_goes_through_a_folder_linked_out(state: Path, outside: Path) -> None:
    (state / "journal").symlink_to(outside.parent, target_is_directory=True)
    with pytest.raises(StateDirError) as caught:
        write_json(state / "journal" / "j.json", {"a": 1}, root=state)
    assert f"{state / 'journal'}: it is a symbolic link, not a directory" in caught.value.message
    assert [p.name for p in outside.parent.iterdir()] == ["target.json"]


@pytest.mark.parametrize("kind", ["a named pipe (FIFO)", "a regular file"])
def test_a_journal_folder_that_is_not_a_directory_is_exit_9(state: Path, kind: str) -> None:
    if kind.startswith("a named"):
        os.mkfifo(state / "journal")
    else:
        (state / "journal").write_text("x")
    with pytest.raises(StateDirError) as checked:
        check_state_dir(state)
    assert checked.value.exit_code == 9
    assert f"{state / 'journal'}: it is {kind}, not a directory" in checked.value.message


def test_the_probe_never_opens_a_planted_probe_link(state: Path, outside: Path) -> None:
    planted = state / f".probe-{os.getpid()}"  # the name the probe used to have
    planted.symlink_to(outside)
    check_state_dir(state)
    assert outside.read_text() == OUTSIDE
    assert planted.is_symlink(), "someone else's entry is not removed either"
    assert [p.name for p in state.iterdir()] == [planted.name], "the probe leaves nothing behind"


def test_a_lock_file_planted_as_a_dangling_link_is_exit_9_and_creates_nothing(
    state: Path, tmp_path: Path
) -> None:
    target = tmp_path / "outside" / "created-through-the-link"
    target.parent.mkdir()
    lock = state / "uploads.json.lock"
    lock.symlink_to(target)
    with pytest.raises(StateDirError) as caught, locked(state / "uploads.json"):
        pass
    assert caught.value.exit_code == 9
    assert f"{lock}: it is a symbolic link" in caught.value.message
    assert "remove it" in (caught.value.advice or "")
    assert not target.exists()


def test_a_lock_file_that_is_a_fifo_is_exit_9(state: Path) -> None:
    os.mkfifo(state / "uploads.json.lock")
    with pytest.raises(StateDirError) as caught, locked(state / "uploads.json"):
        pass
    assert "it is a named pipe (FIFO), not a regular file" in caught.value.message


def test_a_lock_file_hard_linked_elsewhere_is_exit_9_and_its_content_is_kept(
    state: Path, outside: Path
) -> None:
    os.link(outside, state / "uploads.json.lock")
    with pytest.raises(StateDirError) as caught, locked(state / "uploads.json"):
        pass
    assert "it has 2 hard links" in caught.value.message
    assert outside.read_text() == OUTSIDE, "the holder record was not written into it"


def test_state_files_are_written_owner_only_and_leave_no_temp_file(state: Path) -> None:
    write_json(state / "journal" / "j.json", {"a": 1}, root=state)
    assert (state / "journal" / "j.json").stat().st_mode & 0o777 == 0o600
    assert (state / "journal").stat().st_mode & 0o777 == 0o700
    assert [p.name for p in (state / "journal").iterdir()] == ["j.json"]


@pytest.mark.parametrize(("mode", "warned"), [(0o777, True), (0o1777, False), (0o700, False)])
def test_a_state_dir_every_user_may_write_without_the_sticky_bit_is_a_warning(
    state: Path, mode: int, warned: bool
) -> None:
    state.chmod(mode)
    warnings: list[str] = []
    check_state_dir(state, warnings.append)
    assert bool(warnings) == warned, warnings
    if warned:
        assert (
            f"the state directory {state} is writable by every user and not sticky" in (warnings[0])
        )
