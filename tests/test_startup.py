"""Start-up loads only what the command needs (issue #24): `--version` loads no third-party
library at all, and `validate` (which never speaks HTTP) loads no HTTP stack and no Markdown
renderer. Read from `python -X importtime`, which lists every module the real CLI imported, in a
fresh child process: a test of imports, not of time."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
HEAVY = ("requests", "urllib3", "requests_toolbelt", "tenacity", "markdown_it", "nh3")


def imported(*args: str, cwd: Path) -> set[str]:
    """Every module `python -m publisher ARGS` imports, by dotted name."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "MPAC_"))}
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "publisher", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**env, "NO_COLOR": "1"},
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    lines = [line for line in run.stderr.splitlines() if line.startswith("import time:")]
    return {line.rsplit("|", 1)[1].strip() for line in lines[1:]}  # [0] is the header


def loaded(modules: set[str], packages: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in packages)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(EXAMPLES, tmp_path / "app")
    (tmp_path / "app" / ".git").mkdir()
    return tmp_path / "app"


def test_version_loads_no_third_party_library(project: Path) -> None:
    modules = imported("--version", cwd=project)
    assert "publisher.cli" in modules  # the trace covers the CLI itself
    assert loaded(modules, (*HEAVY, "jsonschema", "yaml")) == []
    assert loaded(modules, ("publisher",)) == ["publisher", "publisher.cli", "publisher.errors"]


def test_validate_loads_no_http_stack_bar_or_markdown(project: Path) -> None:
    modules = imported("validate", str(project / "release.yml"), cwd=project)
    assert "publisher.commands.validate" in modules and "jsonschema" in modules
    assert loaded(modules, HEAVY) == []
