"""The CI examples work when copied: the action they pin exists at that commit with the inputs they
pass, the version and build come from the tag by one documented formula, and each CI keeps the
state directory in its own cache."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
WORKFLOW = EXAMPLES / ".github" / "workflows" / "marketplace.yml"
TOOL = ("publisher", "action.yml", "pyproject.toml", "requirements.lock")  # what a pin runs
PIN = re.compile(r"mpac-publisher/mpac-publisher@([0-9a-zA-Z._<> -]+?)(?=\s|$)", re.MULTILINE)
# Each example's tag variable, with the file: the same formula must be in every one of them.
TAGGED = {
    ".github/workflows/marketplace.yml": "TAG",
    ".gitlab-ci.yml": "CI_COMMIT_TAG",
    "bitbucket-pipelines.yml": "BITBUCKET_TAG",
    "Jenkinsfile": "TAG_NAME",
    ".circleci/config.yml": "CIRCLE_TAG",
}


def _git(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *argv], cwd=ROOT, capture_output=True, text=True, check=False, timeout=60
    )


def _pins() -> dict[str, str]:
    found = {}
    for path in (ROOT / "README.md", WORKFLOW):
        for ref in PIN.findall(path.read_text()):
            found[f"{path.relative_to(ROOT)}: {ref}"] = ref
    return found


def test_the_readme_and_the_example_pin_one_full_commit_sha() -> None:
    refs = set(_pins().values())
    assert len(refs) == 1, _pins()
    (ref,) = refs
    assert re.fullmatch(r"[0-9a-f]{40}", ref), f"not a full commit SHA: {ref}"


def _pinned_commit() -> str:
    """The examples' pin, checked to be a commit here. Without the history to look it up: a skip
    on a developer's machine, a failure in CI (whose clones must have history: fetch-depth 0)."""
    if _git("rev-parse", "--is-inside-work-tree").returncode != 0:
        pytest.skip("not a git checkout: the pinned commit cannot be looked up")
    (ref,) = set(_pins().values())
    if _git("cat-file", "-e", f"{ref}^{{commit}}").returncode != 0:
        shallow = _git("rev-parse", "--is-shallow-repository").stdout.strip() == "true"
        if shallow:
            why = f"shallow clone: commit {ref} is not in it (git fetch --unshallow)"
            if os.environ.get("CI"):
                pytest.fail(f"{why}; CI must clone with history (actions/checkout fetch-depth: 0)")
            pytest.skip(why)
        pytest.fail(f"the examples pin {ref}, which is not a commit of this repository")
    return ref


def test_the_pinned_commit_runs_the_same_tool_as_head() -> None:
    """Users of the pin get exactly the tool this README describes (scripts/refresh-pin)."""
    ref = _pinned_commit()
    done = _git("diff", "--name-only", ref, "HEAD", "--", *TOOL)
    assert done.returncode == 0, done.stderr
    changed = done.stdout.split()
    assert not changed, (
        f"the examples pin {ref[:7]}, whose tool differs from HEAD's in {len(changed)} files "
        f"({', '.join(changed[:5])}{', ...' if len(changed) > 5 else ''}): commit the tool "
        "change, then run scripts/refresh-pin"
    )


def test_the_pinned_commit_has_an_action_yml_with_every_input_the_example_passes() -> None:
    ref = _pinned_commit()
    shown = _git("show", f"{ref}:action.yml")
    assert shown.returncode == 0, f"commit {ref} has no action.yml: {shown.stderr}"
    inputs = set(yaml.safe_load(shown.stdout)["inputs"])
    steps = yaml.safe_load(WORKFLOW.read_text())["jobs"]["release"]["steps"]
    (ours,) = [s for s in steps if s.get("uses", "").startswith("mpac-publisher/")]
    assert set(ours["with"]) <= inputs, set(ours["with"]) - inputs
    outputs = set(yaml.safe_load(shown.stdout)["outputs"])
    used = set(re.findall(r"steps\.marketplace\.outputs\.([\w-]+)", WORKFLOW.read_text()))
    assert used <= outputs, used - outputs


@pytest.mark.parametrize(
    ("tag", "version", "build"),
    [
        ("v2.4.0", "2.4.0", 2004000),
        ("v10.3.12", "10.3.12", 10003012),
        ("v1.08.9", "1.08.9", 1008009),  # a leading zero is decimal, not octal
        ("v3.1", "3.1", 3001000),
    ],
)
def test_every_ci_example_derives_version_and_build_from_the_tag(
    tag: str, version: str, build: int
) -> None:
    for name, variable in TAGGED.items():
        text = (EXAMPLES / name).read_text()
        assert f'VERSION="${{{variable}#v}}"' in text, name
        (program,) = set(re.findall(r"awk -F\. '([^']+)'", text))
        assert "VERSION" in text.split(program)[0].rsplit("\n", 1)[-1], name
        done = subprocess.run(
            ["awk", "-F.", program],
            input=tag.removeprefix("v") + "\n",
            capture_output=True,
            text=True,
            check=True,
        )
        assert tag.removeprefix("v") == version and int(done.stdout) == build, name
        assert "2004000 (major*1000000 + minor*1000 + patch)" in text, name


def test_every_docker_example_keeps_the_state_dir_in_its_own_cache() -> None:
    gitlab = yaml.safe_load((EXAMPLES / ".gitlab-ci.yml").read_text())[".marketplace"]
    assert gitlab["variables"]["MPAC_STATE_DIR"] == "$CI_PROJECT_DIR/.mpac-state"
    assert gitlab["cache"]["paths"] == [".mpac-state/"] and gitlab["cache"]["when"] == "always"

    bitbucket = yaml.safe_load((EXAMPLES / "bitbucket-pipelines.yml").read_text())
    assert bitbucket["definitions"]["caches"]["mpac-state"] == ".mpac-state"
    publish = bitbucket["pipelines"]["tags"]["v*"][1]["step"]
    assert publish["caches"] == ["mpac-state"]
    assert 'export MPAC_STATE_DIR="$BITBUCKET_CLONE_DIR/.mpac-state"' in publish["script"]

    circle = yaml.safe_load((EXAMPLES / ".circleci" / "config.yml").read_text())
    job = circle["jobs"]["marketplace"]
    assert job["environment"]["MPAC_STATE_DIR"] == ".mpac-state"
    steps = {next(iter(s)) if isinstance(s, dict) else s: s for s in job["steps"]}
    restore, save = steps["restore_cache"]["restore_cache"], steps["save_cache"]["save_cache"]
    assert save["key"].startswith(restore["keys"][0]) and save["paths"] == [".mpac-state"]
    assert save["when"] == "always"

    jenkins = (EXAMPLES / "Jenkinsfile").read_text()
    assert 'MPAC_STATE_DIR = "${WORKSPACE}/.mpac-state"' in jenkins
