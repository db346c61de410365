"""An output that can carry only ASCII (`PYTHONIOENCODING=ascii`, `LANG=C` on an old CI agent):
the CLI, run as a child process, prints ASCII marks and escapes instead of dying with exit 1 on
the first `▸` or `✗`; the run's result is what it would be on a UTF-8 terminal."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from publisher.sandbox import Sandbox
from tests.support.publisher import Publisher, Release

ASCII = {"PYTHONIOENCODING": "ascii", "LANG": "C", "LC_ALL": "C"}


def _run(publisher: Publisher, *args: str, **env: str) -> subprocess.CompletedProcess[bytes]:
    child_env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "PYTHONUTF8"))}
    child_env.pop("GITHUB_ACTIONS", None)
    child_env = {**child_env, **publisher.env, **ASCII, **env}
    argv = [sys.executable, "-m", "publisher", *args, str(publisher.release.path)]
    return subprocess.run(argv, env=child_env, capture_output=True, timeout=120, check=False)


def _ascii(data: bytes) -> str:
    text = data.decode("ascii")  # raises if a single non-ASCII byte got out
    assert "Traceback" not in text and "UnicodeEncodeError" not in text
    return text


@pytest.fixture
def accented(release: Release) -> Release:
    release.edit("caption: Overview", "caption: Übersicht → Zeiterfassung")
    return release


def test_a_publish_to_the_sandbox_on_an_ascii_output_succeeds_with_ascii_marks(
    publisher: Publisher, accented: Release, sandbox: Sandbox
) -> None:
    done = _run(publisher, "publish")
    out = _ascii(done.stdout) + _ascii(done.stderr)
    assert done.returncode == 0, out
    assert "> plan" in out and "> publish" in out  # ▸ stage
    assert "  + " in out and "\n+ com.example.timesheets 2.4.0" in out  # ✓ steps, verdict
    assert sandbox.state()["apps"]  # really published


def test_a_dry_run_on_an_ascii_output_shows_server_and_file_text_escaped(
    publisher: Publisher, accented: Release
) -> None:
    done = _run(publisher, "publish", "--dry-run")
    out = _ascii(done.stdout) + _ascii(done.stderr)
    assert done.returncode == 0, out
    assert '"caption": "\\xdcbersicht -> Zeiterfassung"' in out  # escaped, not dropped
    assert "planned (dry run: nothing was written)" in out


def test_a_failure_on_an_ascii_output_keeps_its_own_exit_code_and_an_x_mark(
    publisher: Publisher, release: Release
) -> None:
    release.edit("payment: free", "payment: gratis")
    done = _run(publisher, "validate")
    out = _ascii(done.stdout) + _ascii(done.stderr)
    assert done.returncode == 3, out  # invalid release.yml, not 1 (a crash)
    assert "\nx " in "\n" + out


def test_the_github_reporter_on_an_ascii_output_is_safe_too(
    publisher: Publisher, accented: Release, tmp_path: Path
) -> None:
    summary = tmp_path / "summary.md"
    github = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}
    done = _run(publisher, "publish", "--dry-run", **github)
    out = _ascii(done.stdout) + _ascii(done.stderr)
    assert done.returncode == 0, out
    assert "::group::plan" in out
    assert summary.read_text(encoding="utf-8").startswith("## 📝 Planned")  # a file: UTF-8


def test_an_ascii_fallback_never_turns_file_text_back_into_a_workflow_command(
    publisher: Publisher, release: Release, tmp_path: Path
) -> None:
    release.edit("caption: Overview", 'caption: "##[error]pwned \u200b::x ⚠\ufe0f"')
    github = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md")}
    done = _run(publisher, "publish", "--dry-run", **github)  # the bodies are shown, caption too
    out = _ascii(done.stdout) + _ascii(done.stderr)
    assert done.returncode == 0, out
    assert "pwned" in out
    ours = ("::add-mask::", "::group::", "::endgroup::")
    for line in out.splitlines():  # `##[` anywhere in a line is the runner's older command form
        assert line.startswith(ours) or ("##[" not in line and not line.lstrip().startswith("::"))
