"""The user's CI: examples/.github/workflows/marketplace.yml copied into a scratch app repository
as the README says, with the release.yml the README recommends (`version: "${VERSION}"`,
`build: ${BUILD}`), run by `act` against the sandbox Marketplace.

A pull request's plan is green and shows what would be created; a tag publishes; the same tag
again is `unchanged` with zero writes; the scheduled compatibility workflow checks that tag's live
version (and raises its max when it is behind). The examples' pinned `uses:` is served from a
copy of this checkout's tool (tests/ship/test_examples.py keeps the pin's tool equal to it), and
`./mvnw` is a stand-in that answers the one Maven question the examples ask (the version).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from publisher.sandbox import Sandbox
from tests.ship.actrun import RUNNER, finished, needs_act, run_act, stand_ins
from tests.ship.test_act_workflow import WRITES
from tests.ship.toolcopy import copy_tool

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / ".github" / "workflows" / "marketplace.yml"
SCHEDULED = EXAMPLE.with_name("scheduled-compatibility.yml")
PIN = re.compile(r"uses: (mpac-publisher/mpac-publisher@[0-9a-f]{40})")
# Maven, as far as the example uses it: `package` (the jar is already in target/) and the version.
MVNW = """#!/bin/sh
case "$*" in
  *help:evaluate*project.version*) printf '%s' "${STANDIN_PROJECT_VERSION:-2.4.0}" ;;
  *package*) test -f target/timesheets-2.4.0.jar ;;
  *) echo "stand-in mvnw: unexpected: $*" >&2; exit 1 ;;
esac
"""


def _tool(tmp: Path) -> Path:
    return copy_tool(tmp / "tool")


def _user_repository(tmp: Path) -> Path:
    """What a vendor has after following the README: their app, its release.yml, the workflow."""
    repo = tmp / "vendor-app"
    shutil.copytree(
        ROOT / "examples", repo, ignore=shutil.ignore_patterns(".github", ".circleci", ".git*")
    )
    release = (repo / "release.yml").read_text()
    release = release.replace('version: "2.4.0"', 'version: "${VERSION}"')
    release = release.replace("build: 2004000", "build: ${BUILD}")
    assert "${VERSION}" in release and "${BUILD}" in release
    (repo / "release.yml").write_text(release)
    (repo / "mvnw").write_text(MVNW)
    (repo / "mvnw").chmod(0o755)
    (repo / ".github" / "workflows").mkdir(parents=True)
    # The one edit a rehearsal needs: the sandbox's API root (the job's env, set by the test).
    workflow = EXAMPLE.read_text().replace(
        "          config: release.yml\n",
        "          config: release.yml\n          api-url: ${{ env.SANDBOX_URL }}\n",
    )
    assert "SANDBOX_URL" in workflow
    (repo / ".github" / "workflows" / "marketplace.yml").write_text(workflow)
    scheduled = SCHEDULED.read_text().replace(
        "          command: compat ",
        "          api-url: ${{ env.SANDBOX_URL }}\n          command: compat ",
    )
    assert scheduled.count("SANDBOX_URL") == 2
    (repo / ".github" / "workflows" / SCHEDULED.name).write_text(scheduled)
    for argv in (
        ["init", "-q"],
        ["add", "-A"],
        ["-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "x"],
        ["tag", "v2.4.0"],
    ):
        subprocess.run(["git", *argv], cwd=repo, check=True)
    return repo


def _act(
    repo: Path,
    event: str,
    payload: dict[str, object],
    sandbox: Sandbox,
    tmp: Path,
    workflow: Path = EXAMPLE,
) -> str:
    (pin,) = set(PIN.findall(workflow.read_text()))
    event_file = tmp / f"{event}.json"
    event_file.write_text(json.dumps(payload))
    user, token = sandbox.credentials
    done = run_act(
        event,
        f".github/workflows/{workflow.name}",
        repo,
        tmp,
        payload=event_file,
        env={
            "SANDBOX_URL": sandbox.url,
            "STANDIN_CACHE_DIR": str(tmp / "runner-cache"),
            **RUNNER,
        },
        secrets={"MPAC_USER": user, "MPAC_TOKEN": token},
        more=["--local-repository", f"{pin}={tmp / 'tool'}", *stand_ins()],
        timeout=600,
    )
    return finished(done, tmp / f"{event}-{len(list(tmp.glob('*.log')))}.log", token)


@pytest.mark.slow
@pytest.mark.timeout(1500)
@needs_act
def test_the_copied_examples_plan_a_pull_request_publish_a_tag_once_and_check_weekly(
    tmp_path: Path,
) -> None:
    repo = _user_repository(tmp_path)
    _tool(tmp_path)
    pull_request = {"number": 7, "pull_request": {"head": {"ref": "f"}, "base": {"ref": "main"}}}
    with Sandbox(port=0) as sandbox:
        plan = _act(repo, "pull_request", pull_request, sandbox, tmp_path)
        planned = sandbox.journal()
        sandbox.clear_journal()
        first = _act(repo, "push", {"ref": "refs/tags/v2.4.0"}, sandbox, tmp_path)
        sandbox.clear_journal()
        again = _act(repo, "push", {"ref": "refs/tags/v2.4.0"}, sandbox, tmp_path)
        rerun = sandbox.journal()
        weekly = _act(repo, "schedule", {"schedule": "17 6 * * 1"}, sandbox, tmp_path, SCHEDULED)

    assert "Marketplace: 2.4.0 planned" in plan, plan[-4000:]
    assert "VERSION is not set" not in plan
    assert "2004000" in plan  # the plan names the build it would create
    assert planned and [e for e in planned if e["method"] in WRITES] == []
    assert "Marketplace: 2.4.0 created" in first, first[-4000:]
    assert "Marketplace: 2.4.0 unchanged" in again, again[-4000:]
    assert rerun and [e for e in rerun if e["method"] in WRITES] == []
    # The tool environment was installed once from the lock, then came from the cache.
    assert "came from the cache; nothing installed" in again
    # The scheduled job checks the tag's live version: current, or behind and then raised.
    found = re.search(r"Marketplace compatibility: (\w+)(.*)", weekly)
    assert found and found[1] in ("current", "behind"), weekly[-4000:]
    assert (found[2] == ", then raised") == (found[1] == "behind"), found[0]
