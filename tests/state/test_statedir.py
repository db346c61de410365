"""The state directory: checked before the first write to Marketplace (a clear exit-9 error, never
a traceback), written atomically, and keyed by the server and account, not their spelling."""

from __future__ import annotations

import contextlib
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from publisher.errors import ExitCode
from publisher.state.directory import check_state_dir, read_json, write_json
from publisher.state.errors import StateDirError
from publisher.state.keys import account_key, api_root_key
from publisher.state.lock import locked

ROOT = Path(__file__).resolve().parents[2]


def test_a_missing_state_dir_is_created_and_the_probe_leaves_nothing_behind(
    tmp_path: Path,
) -> None:
    directory = tmp_path / "a" / "b" / "state"
    check_state_dir(directory)
    assert directory.is_dir() and list(directory.iterdir()) == []


def test_a_state_dir_that_is_a_file_is_a_state_dir_error(tmp_path: Path) -> None:
    target = tmp_path / "state"
    target.write_text("I am a file")
    with pytest.raises(StateDirError) as caught:
        check_state_dir(target)
    assert caught.value.exit_code == ExitCode.STATE_DIR == 9
    assert str(target) in caught.value.message and "not a directory" in caught.value.message
    with pytest.raises(StateDirError):
        check_state_dir(target / "below")


@contextlib.contextmanager
def _read_only(directory: Path) -> Iterator[None]:
    """No file can be created in `directory`: mode 555, or (root ignores modes) immutable."""
    if os.geteuid() != 0:
        directory.chmod(0o555)
        yield
        directory.chmod(0o755)
        return
    if shutil.which("chattr") is None:
        pytest.skip("running as root without chattr: cannot make a directory read-only")
    made = subprocess.run(["chattr", "+i", str(directory)], capture_output=True, timeout=30)
    if made.returncode != 0:
        pytest.skip(f"chattr +i is not supported here: {made.stderr!r}")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(directory)], check=True, timeout=30)


def test_a_read_only_state_dir_is_a_state_dir_error(tmp_path: Path) -> None:
    directory = tmp_path / "ro"
    directory.mkdir()
    with _read_only(directory), pytest.raises(StateDirError) as caught:
        check_state_dir(directory)
    assert caught.value.exit_code == 9 and "permission denied" in caught.value.message
    assert list(directory.iterdir()) == []


def _no_file_growth() -> None:
    """A file-size limit of 0: every write to a file fails (EFBIG), like a full disk."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))


def test_a_state_dir_that_refuses_writes_is_a_state_dir_error(tmp_path: Path) -> None:
    code = (
        "import pathlib, sys\n"
        "from publisher.state.directory import check_state_dir, write_json\n"
        "from publisher.state.errors import StateDirError\n"
        "for call in (check_state_dir, lambda d: write_json(d / 'x.json', {'a': 1})):\n"
        "    try:\n"
        f"        call(pathlib.Path({str(tmp_path)!r}))\n"
        "        print('no error'); sys.exit(1)\n"
        "    except StateDirError as exc:\n"
        "        print(exc.exit_code, exc.message)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"},
        preexec_fn=_no_file_growth,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("9 the state directory cannot be used") == 2
    assert [p.name for p in tmp_path.iterdir()] == [], "no probe or temp file is left behind"


def test_a_failed_write_keeps_the_previous_file_whole(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    write_json(path, {"kept": True})
    with pytest.raises(TypeError):
        write_json(path, {"bad": object()})  # fails half-way through writing
    assert read_json(path) == {"kept": True}
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]


def test_writing_or_locking_below_a_file_is_a_state_dir_error_not_a_traceback(
    tmp_path: Path,
) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(StateDirError):
        write_json(tmp_path / "file" / "journal" / "j.json", {})
    with pytest.raises(StateDirError), locked(tmp_path / "file" / "uploads.json"):
        pass


def test_an_unreadable_state_file_is_reported(tmp_path: Path) -> None:
    warnings: list[str] = []
    (tmp_path / "s.json").write_text("[]")
    assert read_json(tmp_path / "s.json", warnings.append) == {}
    assert read_json(tmp_path / "missing.json", warnings.append) == {}
    # below a file: no state yet, and the state-dir check (not a warning) explains it
    assert read_json(tmp_path / "s.json" / "journal.json", warnings.append) == {}
    assert len(warnings) == 1 and "expected a JSON object" in warnings[0]
    assert json.loads((tmp_path / "s.json").read_text()) == []  # reading never rewrites


SAME_ROOTS = [
    ("http://localhost:8765", "http://127.0.0.1:8765"),
    ("http://LOCALHOST:8765/", "http://[::1]:8765"),
    ("http://127.0.0.1:80/", "http://localhost"),
    ("https://API.atlassian.com:443/marketplace/", "https://api.atlassian.com/marketplace"),
    ("HTTPS://api.atlassian.com/marketplace", "https://api.atlassian.com/marketplace//"),
]
DIFFERENT_ROOTS = [
    ("http://127.0.0.1:8765", "http://127.0.0.1:8766"),
    ("http://localhost", "https://localhost"),
    ("https://api.atlassian.com/marketplace", "https://api.atlassian.com/Marketplace"),
    ("https://api.atlassian.com/marketplace", "https://api.atlassian.com:8443/marketplace"),
    ("https://api.atlassian.com", "https://example.com"),
]


@pytest.mark.parametrize(("one", "other"), SAME_ROOTS)
def test_spellings_of_one_api_root_share_a_ledger_key(one: str, other: str) -> None:
    assert api_root_key(one) == api_root_key(other)
    assert account_key(one, "Demo@Example.com") == account_key(other, " demo@example.com")


@pytest.mark.parametrize(("one", "other"), DIFFERENT_ROOTS)
def test_different_api_roots_keep_different_ledger_keys(one: str, other: str) -> None:
    assert api_root_key(one) != api_root_key(other)
    assert account_key(one, "demo@example.com") != account_key(other, "demo@example.com")


def test_different_accounts_keep_different_ledger_keys() -> None:
    root = "https://api.atlassian.com/marketplace"
    assert account_key(root, "demo@example.com") != account_key(root, "other@example.com")
