"""The command line itself: usage errors, version, `python -m publisher`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from publisher import __version__
from publisher.cli import main


def test_no_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([], env={}) == 2
    assert "usage: mpac-publisher" in capsys.readouterr().err


def test_unknown_option_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--frobnicate"], env={}) == 2
    assert "unrecognized arguments: --frobnicate" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("--dryrun", "--dry-run"),
        ("--jsno", "--json"),
        ("--replace-artifacts", "--replace-artifact"),
    ],
)
def test_a_mistyped_option_gets_a_did_you_mean(
    capsys: pytest.CaptureFixture[str], typed: str, meant: str
) -> None:
    assert main(["publish", typed, "release.yml"], env={}) == 2
    assert f"hint: did you mean {meant}? (see mpac-publisher --help)" in capsys.readouterr().err


def test_an_option_like_none_gets_no_guess(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["publish", "--zzz", "release.yml"], env={}) == 2
    assert "did you mean" not in capsys.readouterr().err


def test_python_dash_m_works() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "publisher", "--version"], capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0
    assert run.stdout.strip() == f"mpac-publisher {__version__}"


def test_publish_sandbox_rehearses_a_whole_release(tmp_path, capsys, monkeypatch):  # type: ignore[no-untyped-def]
    import shutil

    from publisher.cli import main

    repo = tmp_path / "repo"
    shutil.copytree(Path(__file__).resolve().parents[1] / "examples", repo)
    (repo / ".git").mkdir()
    state = tmp_path / "state"
    code = main(["publish", "--sandbox", str(repo / "release.yml")], {"MPAC_STATE_DIR": str(state)})
    out = capsys.readouterr().out
    assert code == 0, out
    assert "published" in out and "127.0.0.1" in out
    assert not state.exists(), "a rehearsal must not touch the real state directory"


def test_sandbox_command_serves_until_interrupted(capsys, monkeypatch):  # type: ignore[no-untyped-def]
    import publisher.sandbox.sandbox as module
    from publisher.cli import main

    def interrupted(self):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt

    monkeypatch.setattr(module.Sandbox, "serve_forever", interrupted)
    assert main(["sandbox", "--port", "0"], {}) == 0
    out = capsys.readouterr().out
    assert "http://127.0.0.1:" in out and "demo@example.com" in out
