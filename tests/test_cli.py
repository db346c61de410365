"""The command line itself: usage errors, version, `python -m publisher`."""

from __future__ import annotations

import subprocess
import sys

import pytest

from publisher import __version__
from publisher.cli import main


def test_no_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([], env={}) == 2
    assert "usage: mpac-publisher" in capsys.readouterr().err


def test_unknown_option_is_a_usage_error() -> None:
    with pytest.raises(SystemExit) as exited:
        main(["validate", "--frobnicate"], env={})
    assert exited.value.code == 2


def test_python_dash_m_works() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "publisher", "--version"], capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0
    assert run.stdout.strip() == f"mpac-publisher {__version__}"
