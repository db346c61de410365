"""Every CI example sets VERSION and BUILD on every event, not on tags only, so a pull/merge
request's plan of the README's release.yml (`version: "${VERSION}"`, `build: ${BUILD}`) is green:
each example's own script, cut out of the file and run by sh with a stand-in Maven, gives the
tag's version on a tag and the build's version otherwise. Also the platform traps no schema
catches: a job in an image without git cannot `checkout`; Jenkins serialises tags with a lock."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.ship.test_user_workflow import MVNW

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
GITHUB = EXAMPLES / ".github" / "workflows" / "marketplace.yml"
IMAGE = "ghcr.io/mpac-publisher/mpac-publisher"


def _gitlab() -> str:
    (script,) = [
        s
        for s in yaml.safe_load((EXAMPLES / ".gitlab-ci.yml").read_text())["build"]["script"]
        if "VERSION" in s
    ]
    return str(script)


def _bitbucket() -> str:
    build = yaml.safe_load((EXAMPLES / "bitbucket-pipelines.yml").read_text())
    script = build["definitions"]["steps"][0]["step"]["script"]
    return "\n".join(line for line in script if "mvn --batch-mode --quiet package" not in line)


def _circleci() -> str:
    steps = yaml.safe_load((EXAMPLES / ".circleci" / "config.yml").read_text())["jobs"]["build"]
    (run,) = [s["run"] for s in steps["steps"] if isinstance(s, dict) and "VERSION" in str(s)]
    return str(run["command"])


def _jenkins() -> str:
    blocks = re.findall(r"sh '''\n(.*?)'''", (EXAMPLES / "Jenkinsfile").read_text(), re.DOTALL)
    (block,) = [b for b in blocks if "VERSION" in b]
    return block.replace("\\\\", "\\")  # Groovy's ''' string: \\ is one backslash


def _github() -> str:
    steps = yaml.safe_load(GITHUB.read_text())["jobs"]["release"]["steps"]
    (step,) = [s for s in steps if "GITHUB_ENV" in s.get("run", "")]
    assert "if" not in step  # on every event
    return str(step["run"]).replace('"$GITHUB_ENV"', "version.env")


SCRIPTS = {  # example -> (its version script, its tag variable)
    "gitlab": (_gitlab, "CI_COMMIT_TAG"),
    "bitbucket": (_bitbucket, "BITBUCKET_TAG"),
    "circleci": (_circleci, "CIRCLE_TAG"),
    "jenkins": (_jenkins, "TAG_NAME"),
    "github": (_github, "TAG"),
}


def _version_env(tmp: Path, script: str, env: dict[str, str]) -> dict[str, str]:
    for name in ("mvn", "mvnw"):
        (tmp / name).write_text(MVNW)
        (tmp / name).chmod(0o755)
    subprocess.run(
        ["sh", "-ec", script],  # as the CIs run scripts: -e, not -u
        cwd=tmp,
        env={"PATH": f"{tmp}:/usr/bin:/bin", **env},
        check=True,
        timeout=30,
    )
    text = (tmp / "version.env").read_text()
    return dict(re.findall(r"^(?:export )?(\w+)=(.*)$", text, re.MULTILINE))


@pytest.mark.parametrize("example", sorted(SCRIPTS))
def test_every_example_sets_version_and_build_on_every_event(tmp_path: Path, example: str) -> None:
    cut, tag = SCRIPTS[example]
    script = cut()
    built = {"STANDIN_PROJECT_VERSION": "2.5.0-SNAPSHOT", tag: ""}
    if example == "gitlab":
        built.pop(tag)  # unset, as on a merge request
    (tmp_path / "request").mkdir()
    (tmp_path / "tag").mkdir()
    assert _version_env(tmp_path / "request", script, built) == {
        "VERSION": "2.5.0-SNAPSHOT",
        "BUILD": "2005000",
    }
    tagged = {"STANDIN_PROJECT_VERSION": "wrong", tag: "v2.4.1"}
    assert _version_env(tmp_path / "tag", script, tagged) == {
        "VERSION": "2.4.1",
        "BUILD": "2004001",
    }


def test_every_docker_example_reads_the_version_before_it_runs_the_tool() -> None:
    for name in ("bitbucket-pipelines.yml", "Jenkinsfile", ".circleci/config.yml"):
        text = (EXAMPLES / name).read_text()
        runs = [
            line
            for line in text.splitlines()
            if "mpac-publisher plan" in line
            or "mpac-publisher publish" in line
            or ("mpac-publisher <<" in line and "name:" not in line)
        ]
        assert runs, name
        for line in runs:
            before = text.split(line)[0].rsplit("\n", 3)
            assert ". ./version.env" in line or any(". ./version.env" in b for b in before), (
                name,
                line,
            )


def test_no_job_in_the_publisher_image_runs_checkout_it_has_no_git() -> None:
    circle = yaml.safe_load((EXAMPLES / ".circleci" / "config.yml").read_text())
    for name, job in circle["jobs"].items():
        if any(IMAGE in d["image"] for d in job["docker"]):
            assert "checkout" not in job["steps"], name
            assert any("attach_workspace" in s for s in job["steps"] if isinstance(s, dict))
    build = circle["jobs"]["build"]["steps"]
    (persist,) = [s["persist_to_workspace"] for s in build if "persist_to_workspace" in s]
    assert persist["paths"] == ["."]  # release.yml and its images too, not only target/


def test_jenkins_serialises_every_job_of_the_multibranch_pipeline_with_a_lock() -> None:
    jenkins = (EXAMPLES / "Jenkinsfile").read_text()
    code = "\n".join(line.split("//")[0] for line in jenkins.splitlines())
    assert "disableConcurrentBuilds()" not in code  # per job: two tags would still overlap
    marketplace = code.split("stage('Marketplace')")[1]
    assert "options { lock('atlassian-marketplace') }" in marketplace


def test_the_scheduled_compatibility_example_pins_the_same_action_with_inputs_it_has() -> None:
    scheduled = EXAMPLES / ".github" / "workflows" / "scheduled-compatibility.yml"
    pin = re.compile(r"uses: mpac-publisher/mpac-publisher@([0-9a-f]{40})")
    assert set(pin.findall(scheduled.read_text())) == set(pin.findall(GITHUB.read_text()))
    inputs = set(yaml.safe_load((ROOT / "action.yml").read_text())["inputs"])
    steps = yaml.safe_load(scheduled.read_text())["jobs"]["compatibility"]["steps"]
    ours = [s for s in steps if s.get("uses", "").startswith("mpac-publisher/")]
    assert [s["with"]["command"] for s in ours] == ["compat check", "compat bump"]
    assert all(set(s["with"]) <= inputs for s in ours)
    bump = next(s for s in ours if s["with"]["command"] == "compat bump")
    assert bump["if"] == "steps.check.outputs.result == 'behind'"  # exit 11 is answered, not hidden
