"""The user's GitLab CI: examples/.gitlab-ci.yml copied into a scratch app repository with the
release.yml the README recommends (`version: "${VERSION}"`, `build: ${BUILD}`), run as a merge
request pipeline by gitlab-ci-local (npm, 4.62 on Node 20; shell executor, so `mvn` is a stand-in
on PATH and `mpac-publisher` is this checkout's) against the sandbox Marketplace: green, with the
plan. gitlab-ci-local runs a job that has no `rules` in any pipeline, where GitLab leaves it out
of a merge request pipeline; so which jobs GitLab would run is checked by reading the rules.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from publisher.sandbox import Sandbox
from tests.ship.test_act_workflow import WRITES
from tests.ship.test_user_workflow import MVNW

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / ".gitlab-ci.yml"
GITLAB_CI_LOCAL = os.environ.get("MPAC_GITLAB_CI_LOCAL") or shutil.which("gitlab-ci-local")
MERGE_REQUEST = '$CI_PIPELINE_SOURCE == "merge_request_event"'


def _user_repository(tmp: Path) -> Path:
    repo = tmp / "vendor-app"
    shutil.copytree(
        ROOT / "examples", repo, ignore=shutil.ignore_patterns(".github", ".circleci", ".git*")
    )
    shutil.copy(EXAMPLE, repo / ".gitlab-ci.yml")
    release = (repo / "release.yml").read_text()
    release = release.replace('version: "2.4.0"', 'version: "${VERSION}"')
    (repo / "release.yml").write_text(release.replace("build: 2004000", "build: ${BUILD}"))
    for argv in (
        ["init", "-q"],
        ["add", "-A"],
        ["-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "x"],
    ):
        subprocess.run(["git", *argv], cwd=repo, check=True)
    tools = tmp / "bin"
    tools.mkdir()
    (tools / "mvn").write_text(MVNW.replace("mvnw", "mvn"))
    (tools / "mvn").chmod(0o755)
    return repo


@pytest.mark.slow
@pytest.mark.timeout(600)
@pytest.mark.skipif(
    not GITLAB_CI_LOCAL or not shutil.which("rsync"),
    reason="gitlab-ci-local (npm install gitlab-ci-local@4.62.0) and rsync are not installed",
)
def test_the_copied_gitlab_example_plans_green_in_a_merge_request_pipeline(
    tmp_path: Path,
) -> None:
    assert GITLAB_CI_LOCAL
    repo = _user_repository(tmp_path)
    path = os.pathsep.join([str(tmp_path / "bin"), str(Path(sys.executable).parent)])
    with Sandbox(port=0) as sandbox:
        user, token = sandbox.credentials
        variables = {
            "CI_PIPELINE_SOURCE": "merge_request_event",
            "MPAC_API_URL": sandbox.url,
            "MPAC_USER": user,
            "MPAC_TOKEN": token,
        }
        done = subprocess.run(
            [GITLAB_CI_LOCAL, "--force-shell-executor", "--home", str(tmp_path / "home")]
            + [a for k, v in variables.items() for a in ("--variable", f"{k}={v}")],
            cwd=repo,
            env={**os.environ, "PATH": f"{path}{os.pathsep}{os.environ['PATH']}"},
            capture_output=True,
            text=True,
            timeout=420,
            check=False,
        )
        journal = sandbox.journal()
    log = done.stdout + done.stderr
    (tmp_path / "gitlab-ci-local.log").write_text(log)
    assert done.returncode == 0, log[-6000:]
    assert "VERSION is not set" not in log
    assert "datacenter version 2.4.0 (build 2004000): create" in log, log[-4000:]
    assert "planned (dry run: nothing was written)" in log
    assert "PASS  marketplace:plan" in log and "marketplace:publish" not in log
    assert journal and [e for e in journal if e["method"] in WRITES] == []
    assert not [x for x in log.splitlines() if token in x and "--variable" not in x]


def _runs_in(job: dict[str, object], condition: str) -> bool:
    rules = job.get("rules")
    if rules is None:  # no rules: GitLab adds it to branch and tag pipelines, not to MR ones
        return condition != MERGE_REQUEST
    return any(isinstance(r, dict) and r.get("if") == condition for r in rules)  # type: ignore[attr-defined]


def test_gitlab_runs_the_build_in_every_pipeline_a_marketplace_job_runs_in() -> None:
    pipeline = yaml.safe_load(EXAMPLE.read_text())
    jobs = {name: job for name, job in pipeline.items() if name.startswith("marketplace:")}
    conditions = {rule["if"] for job in jobs.values() for rule in job["rules"]}
    assert MERGE_REQUEST in conditions
    for condition in conditions:
        assert _runs_in(pipeline["build"], condition), condition
    # The version is handed on from the build, on every pipeline: a merge request's too.
    assert pipeline["build"]["artifacts"]["reports"]["dotenv"] == "version.env"
