"""Start-up loads only what the command needs (issue #24): `--version` loads no third-party
library at all, and `validate` (which never speaks HTTP) loads no HTTP stack and no Markdown
renderer; for a valid file not even jsonschema, which only an invalid file needs, for its located
messages. Read from `python -X importtime`, which lists every module the real CLI imported, in a
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
JSONSCHEMA = ("jsonschema", "jsonschema_specifications", "referencing", "rpds", "attr", "attrs")


def imported(*args: str, cwd: Path) -> set[str]:
    """Every module `python -m publisher ARGS` imports, by dotted name."""
    return traced(*args, cwd=cwd)[0]


def traced(*args: str, cwd: Path, exit_code: int = 0) -> tuple[set[str], str]:
    """The modules `python -m publisher ARGS` imports, and what it printed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "MPAC_"))}
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "publisher", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**env, "NO_COLOR": "1"},
        timeout=120,
    )
    assert run.returncode == exit_code, run.stdout + run.stderr
    lines = [line for line in run.stderr.splitlines() if line.startswith("import time:")]
    said = [line for line in run.stderr.splitlines() if not line.startswith("import time:")]
    modules = {line.rsplit("|", 1)[1].strip() for line in lines[1:]}  # [0] is the header
    return modules, run.stdout + "\n".join(said)


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
    assert "publisher.commands.validate" in modules and "publisher.config.schema" in modules
    assert loaded(modules, HEAVY) == []


def test_validate_of_a_valid_file_loads_no_jsonschema(project: Path) -> None:
    modules, said = traced("validate", str(project / "release.yml"), cwd=project)
    assert "release.yml is valid" in said
    assert "publisher.config.conformance" in modules  # the schema was checked, by the quick path
    assert loaded(modules, (*JSONSCHEMA, "requests")) == []


def test_validate_of_an_invalid_file_still_explains_with_jsonschema(project: Path) -> None:
    release = project / "release.yml"
    text = release.read_text().replace('version: "2.4.0"', f'version: "{"2.4.0-" * 17}"')
    release.write_text(text + "hostng: server\n")
    modules, said = traced("validate", str(release), cwd=project, exit_code=3)
    assert "jsonschema" in modules
    too_long = "version: is 102 characters long; at most 100 are allowed"
    assert f"{release}:8:10: error: {too_long}" in said
    assert f"{release}:48:1: error: unknown key 'hostng'; did you mean 'hosting'?" in said


def test_an_offline_plan_of_a_valid_file_loads_no_jsonschema(project: Path) -> None:
    modules, said = traced("plan", str(project / "release.yml"), cwd=project)
    assert "publisher.publish.plan" in modules and ": create" in said  # it planned
    assert loaded(modules, JSONSCHEMA) == []  # the receipt's schema is loaded only with a receipt
