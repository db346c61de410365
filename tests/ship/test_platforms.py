"""Windows is not supported natively (README "Platforms"): what does not need the state dir still
works there, and what does stops with a clear usage error instead of an ImportError."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from publisher.errors import ExitCode, UsageError
from publisher.state.lock import locked

ROOT = Path(__file__).resolve().parents[2]

# A Python that looks like Windows to mpac-publisher: no fcntl module, sys.platform "win32".
AS_WINDOWS = """
import sys
sys.modules["fcntl"] = None
sys.platform = "win32"
from publisher.cli import main
from publisher.state.lock import locked
code = main(["validate", "examples/release.yml"])
try:
    with locked(__import__("pathlib").Path(sys.argv[1]) / "uploads.json"):
        pass
except Exception as exc:
    print(type(exc).__name__, exc.exit_code, exc)
raise SystemExit(code)
"""


def test_without_fcntl_validate_works_and_locking_says_windows_is_unsupported(
    tmp_path: Path,
) -> None:
    done = subprocess.run(
        [sys.executable, "-c", AS_WINDOWS, str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ImportError" not in done.stderr and "ModuleNotFoundError" not in done.stderr
    assert "UsageError 2 mpac-publisher cannot lock its state directory on Windows" in done.stdout
    assert "WSL" in done.stdout


def test_locking_on_windows_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "platform", "win32")
    with pytest.raises(UsageError) as raised, locked(tmp_path / "uploads.json"):
        pass
    assert raised.value.exit_code == ExitCode.USAGE
