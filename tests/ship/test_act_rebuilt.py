"""A CI re-run of one release tag with a rebuilt (non-reproducible) jar, run by `act` (self-hosted
mode, offline) against the sandbox (issue #21.3): the first run is `created`, the second rebuilds
the jar with other bytes and is `unchanged` with zero writes, its state directory filled from the
state cache, so the rebuilt jar is compared with the recorded content, not downloaded.

The nested actions action.yml pins are replaced by the same stand-ins test_act_workflow.py uses.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from publisher.sandbox import Sandbox
from tests.ship.actrun import ROOT, needs_act
from tests.ship.test_act_workflow import WRITES, act_against
from tests.ship.toolcopy import copy_tool

HERE = Path(__file__).parent


def _repository(tmp: Path) -> Path:
    repo = copy_tool(tmp / "repo")
    shutil.copytree(
        ROOT / "examples", repo / "app", ignore=shutil.ignore_patterns(".github", ".circleci")
    )
    shutil.copy(HERE / "standins" / "rebuild" / "build_jar.py", repo / "build_jar.py")
    (repo / ".github" / "workflows").mkdir(parents=True)
    shutil.copy(HERE / "workflows" / "rebuilt.yml", repo / ".github" / "workflows")
    for argv in (
        ["init", "-q"],
        ["add", "-A"],
        ["-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "x"],
    ):
        subprocess.run(["git", *argv], cwd=repo, check=True)
    return repo


@pytest.mark.slow
@pytest.mark.timeout(900)
@needs_act
def test_act_reruns_a_tag_with_a_rebuilt_jar_created_then_unchanged_with_zero_writes(
    tmp_path: Path,
) -> None:
    repo = _repository(tmp_path)
    with Sandbox(port=0) as sandbox:
        first = act_against(repo, "rebuilt.yml", sandbox, tmp_path, run="first")
        sandbox.clear_journal()
        second = act_against(repo, "rebuilt.yml", sandbox, tmp_path, run="second")
        journal = sandbox.journal()
    built = [
        re.findall(r"built timesheets-2\.4\.0\.jar (sha512:\w+)", log) for log in (first, second)
    ]
    assert built[0] and built[1] and built[0][0] != built[1][0]  # not byte-identical
    assert "rebuilt: run=first result=created artifact=" in first, first[-3000:]
    assert "rebuilt: run=second result=unchanged artifact=" in second, second[-3000:]
    assert "Cache restored from key: mpac-publisher-state-v1-" in second
    assert journal, "the second run read nothing: it did not reach the sandbox"
    assert [e for e in journal if e["method"] in WRITES] == []
    assert [e for e in journal if e["path"].endswith("/download")] == []  # the record sufficed
