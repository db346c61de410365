"""`compat bump --verified REPORT` against the sandbox: a host version appears, `compat verify`
(real javac-compiled jars) finds it breaking, and bump refuses to claim it unless forced."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.bytecode.conftest import World, build_world
from tests.e2e.aftercare import JIRA, call, document, writes
from tests.support.publisher import Publisher

NEW_JIRA = "10.8.0"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return build_world(tmp_path_factory.mktemp("java"))


@pytest.fixture
def behind(publisher: Publisher, world: World) -> Publisher:
    """The compiled plugin published with max 10.7.0; then Jira 10.8.0 comes out."""
    shutil.copyfile(world.plugin, publisher.release.root / "target" / "timesheets-2.4.0.jar")
    publisher.release.edit("max: 10.3.0", "max: 10.7.0")
    assert publisher("publish").code == 0
    publisher.sandbox.add_parent_version(JIRA, 1008000, NEW_JIRA, ["datacenter"])
    publisher.sandbox.clear_journal()
    return publisher


def _verified(publisher: Publisher, host: Path, out: Path) -> Path:
    config = str(publisher.release.path)
    run = call(
        publisher, "compat", "verify", config, "--against", f"jira={NEW_JIRA}:{host}", "--json"
    )
    out.write_text(run.out)
    return out


def test_bump_refuses_a_version_verify_found_breaking_with_exit_12_and_no_write(
    behind: Publisher, world: World, tmp_path: Path
) -> None:
    config = str(behind.release.path)
    assert call(behind, "compat", "check", config).code == 11
    report = _verified(behind, world.host_v2, tmp_path / "verify.json")
    assert json.loads(report.read_text())["result"] == "breaks"
    run = call(behind, "compat", "bump", config, "--verified", str(report), "--json")
    found = document(run, "compat-bump")
    assert run.code == 12 and found["result"] == "failed"
    assert f"Jira {NEW_JIRA}: `compat verify` found it breaking" in found["error"]
    assert writes(behind) == []


def test_bump_raises_a_version_verify_found_compatible(
    behind: Publisher, world: World, tmp_path: Path
) -> None:
    report = _verified(behind, world.host_v1, tmp_path / "verify.json")
    assert json.loads(report.read_text())["result"] == "compatible"
    config = str(behind.release.path)
    run = call(behind, "compat", "bump", config, "--verified", str(report), "--json")
    assert run.code == 0 and document(run, "compat-bump")["result"] == "raised"
    assert [e["method"] for e in writes(behind)] == ["PUT"]


def test_a_forced_bump_records_its_reason(behind: Publisher, world: World, tmp_path: Path) -> None:
    report = _verified(behind, world.host_v2, tmp_path / "verify.json")
    config = str(behind.release.path)
    reason = "the servlet path is never loaded on 10.8 (tested by hand)"
    flags = ["--verified", str(report), "--force", reason, "--json"]
    run = call(behind, "compat", "bump", config, *flags)
    found = document(run, "compat-bump")
    assert run.code == 0 and found["result"] == "raised"
    (recorded,) = found["diagnostics"]
    assert recorded["severity"] == "warning" and reason in recorded["message"]
    assert f"forced past Jira {NEW_JIRA}" in recorded["message"]
    assert recorded["location"]["line"] == behind.release.line_of("max: 10.7.0")


def test_a_report_that_is_not_verify_json_is_exit_2(behind: Publisher, tmp_path: Path) -> None:
    other = tmp_path / "other.json"
    other.write_text('{"command": "compat check"}')
    run = call(behind, "compat", "bump", str(behind.release.path), "--verified", str(other))
    assert run.code == 2 and "not a `compat verify --json` document" in run.text
