"""The project's own release workflow (.github/workflows/release.yml): a `v*` tag -> tests, wheel
and sdist with twine check and provenance, PyPI by trusted publishing, the image on GHCR with
provenance, a GitHub release. Read as data, and run by `act` offline as far as it goes.

Offline, act cannot clone the actions the workflow pins, build in an isolated environment or talk
to PyPI, GHCR or GitHub. So the act test replaces exactly those parts, in a copy of the workflow:
every pinned action by a recorder (tests/ship/standins/recorder: it writes the inputs it got), the
whole test suite (`.ci/run`) by a line saying it ran, the build step by two stand-in files, and
`gh` by a script writing its arguments. What is left is the workflow's own wiring: the job graph,
the tag check, the names and digests passed from step to step, the artifact handed between jobs.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.ship.actrun import needs_act, run_act

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).parent
WORKFLOW = ROOT / ".github" / "workflows" / "release.yml"
USES = re.compile(r"uses: ([\w.-]+/[\w./-]+)@(\S+)(.*)")
BUILD_STEP = "Build the wheel and the sdist, then twine check them"
REMOTE = "https://github.com/Mpac-Publisher/Mpac-Publisher.git"  # mixed case: GHCR wants lower


def _workflow() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(WORKFLOW.read_text())
    return loaded


def _steps(job: str) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = _workflow()["jobs"][job]["steps"]
    return steps


def _step(job: str, uses: str) -> dict[str, Any]:
    (found,) = [s for s in _steps(job) if s.get("uses", "").startswith(uses + "@")]
    return found


def test_every_action_is_pinned_by_commit_sha_with_its_version_named() -> None:
    found = USES.findall(WORKFLOW.read_text())
    assert len(found) >= 8
    action = (ROOT / "action.yml").read_text()
    for name, ref, comment in found:
        assert re.fullmatch(r"[0-9a-f]{40}", ref), f"{name}@{ref} is not a commit SHA"
        assert re.fullmatch(r" # v\d+(\.\d+)*( .*)?", comment), f"{name}: no `# vX.Y.Z` comment"
        for _, other_ref in re.findall(rf"uses: ({re.escape(name)})@(\S+)", action):
            assert other_ref == ref, f"{name} is pinned to {ref} here, {other_ref} in action.yml"


def test_only_a_v_tag_releases_and_no_job_gets_more_than_it_needs() -> None:
    workflow = _workflow()
    assert workflow[True] == {"push": {"tags": ["v*"]}}  # YAML 1.1 reads `on` as true
    assert workflow["permissions"] == {}
    permissions = {name: job["permissions"] for name, job in workflow["jobs"].items()}
    assert permissions == {
        "test": {"contents": "read"},
        "dist": {"contents": "read", "id-token": "write", "attestations": "write"},
        "pypi": {"id-token": "write"},
        "image": {
            "contents": "read",
            "packages": "write",
            "id-token": "write",
            "attestations": "write",
        },
        "github-release": {"contents": "write"},
    }
    needs = {name: job.get("needs") for name, job in workflow["jobs"].items()}
    assert needs == {
        "test": None,
        "dist": "test",
        "pypi": "dist",
        "image": "test",
        "github-release": ["pypi", "image"],
    }


def test_the_release_is_tested_with_history_and_checked_by_twine() -> None:
    checkout = _step("test", "actions/checkout")
    assert checkout["with"] == {"persist-credentials": False, "fetch-depth": 0}  # the pin test
    assert any(s.get("run") == ".ci/run" for s in _steps("test"))
    (build,) = [s for s in _steps("dist") if s.get("name") == BUILD_STEP]
    assert "python -m build --sdist --wheel" in build["run"]
    assert "twine check --strict dist/*" in build["run"]
    assert _step("dist", "actions/attest-build-provenance")["with"] == {"subject-path": "dist/*"}


def test_pypi_is_reached_by_trusted_publishing_and_the_image_carries_provenance() -> None:
    publish = _step("pypi", "pypa/gh-action-pypi-publish")
    assert publish["with"] == {"packages-dir": "dist/"}  # no password: the OIDC token
    assert _workflow()["jobs"]["pypi"]["environment"]["name"] == "pypi"
    push = _step("image", "docker/build-push-action")["with"]
    assert push["push"] is True and push["provenance"] == "mode=max" and push["sbom"] is True
    assert push["build-args"] == "REVISION=${{ github.sha }}"
    attest = _step("image", "actions/attest-build-provenance")["with"]
    assert attest["subject-digest"] == "${{ steps.push.outputs.digest }}"
    assert attest["push-to-registry"] is True


# -- act ------------------------------------------------------------------------------------------


def _repository(tmp: Path) -> Path:
    """A repository holding the workflow, with the parts that need the network replaced."""
    repo = tmp / "repo"
    (repo / ".github" / "workflows").mkdir(parents=True)
    shutil.copy(ROOT / "pyproject.toml", repo / "pyproject.toml")
    # The build step's script (pip install build twine, build, check) -> two stand-in files.
    script = re.compile(rf"(- name: {re.escape(BUILD_STEP)}\n +run: \|\n)((?: {{10}}.*\n)+)")
    stand_in = (
        " " * 10 + "mkdir -p dist && touch dist/mpac_publisher-0.1.0-py3-none-any.whl "
        "dist/mpac_publisher-0.1.0.tar.gz\n"
    )
    text, replaced = script.subn(lambda m: m[1] + stand_in, WORKFLOW.read_text())
    assert replaced == 1
    (repo / ".github" / "workflows" / "release.yml").write_text(text)
    ci = repo / ".ci" / "run"
    ci.parent.mkdir()
    ci.write_text('#!/bin/sh\necho "stand-in .ci/run" >"$RECORD_DIR/ci-run.txt"\n')
    ci.chmod(0o755)
    tools = tmp / "bin"
    tools.mkdir()
    (tools / "gh").write_text('#!/bin/sh\nprintf "%s\\n" "$@" >"$RECORD_DIR/gh.txt"\n')
    (tools / "gh").chmod(0o755)
    for argv in (
        ["init", "-q"],
        ["remote", "add", "origin", REMOTE],
        ["add", "-A"],
        ["-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "x"],
    ):
        subprocess.run(["git", *argv], cwd=repo, check=True, timeout=60)
    return repo


def _recorders(tmp: Path) -> list[str]:
    """--local-repository for every pinned action but checkout (act copies the local repo)."""
    argv = []
    for name, ref, _ in USES.findall(WORKFLOW.read_text()):
        if name == "actions/checkout":
            continue
        stand_in = tmp / "standins" / name.replace("/", "-")
        if not stand_in.exists():
            shutil.copytree(HERE / "standins" / "recorder", stand_in)
            (stand_in / "NAME").write_text(name.replace("/", "-"))
        argv += ["--local-repository", f"{name}@{ref}={stand_in}"]
    return argv


def _act(repo: Path, tmp: Path, tag: str) -> tuple[int, str]:
    records = tmp / "records"
    records.mkdir(exist_ok=True)
    event = tmp / "event.json"
    event.write_text(json.dumps({"ref": f"refs/tags/{tag}", "ref_name": tag}))
    done = run_act(
        "push",
        ".github/workflows/release.yml",
        repo,
        tmp,
        payload=event,
        platform="ubuntu-24.04",
        env={"RECORD_DIR": str(records), "PATH": f"{tmp / 'bin'}:/usr/local/bin:/usr/bin:/bin"},
        more=_recorders(tmp),
    )
    log = done.stdout + done.stderr
    (tmp / f"act-{tag}.log").write_text(log)  # kept for a failure's post-mortem
    return done.returncode, log


def _recorded(tmp: Path, action: str, job: str) -> dict[str, str]:
    found: dict[str, str] = json.loads((tmp / "records" / f"{action}-{job}.json").read_text())
    return found


@pytest.mark.timeout(600)
@needs_act
def test_act_runs_the_release_of_a_tag_through_every_job_offline(tmp_path: Path) -> None:
    repo = _repository(tmp_path)
    sha = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True, check=True
    ).stdout.strip()

    code, log = _act(repo, tmp_path, "v0.1.0")

    assert code == 0, log[-6000:]
    for job in ("Test", "Wheel and sdist", "PyPI", "Image on GHCR", "GitHub release"):
        assert re.search(rf"\[release/{job} *\] 🏁  Job succeeded", log), job
    records = tmp_path / "records"
    assert (records / "ci-run.txt").read_text() == "stand-in .ci/run\n"
    image = "ghcr.io/mpac-publisher/mpac-publisher"
    push = _recorded(tmp_path, "docker-build-push-action", "image")
    assert push["tags"] == f"{image}:0.1.0"
    assert push["build-args"] == f"REVISION={sha}"
    assert (push["push"], push["provenance"], push["sbom"]) == ("true", "mode=max", "true")
    attest = _recorded(tmp_path, "actions-attest-build-provenance", "image")
    assert attest["subject-name"] == image
    assert attest["subject-digest"] == "sha256:" + "0" * 64  # the build step's own output
    assert _recorded(tmp_path, "actions-attest-build-provenance", "dist")["subject-path"] == (
        "dist/*"
    )
    uploaded = _recorded(tmp_path, "actions-upload-artifact", "dist")
    for job in ("pypi", "github-release"):
        downloaded = _recorded(tmp_path, "actions-download-artifact", job)
        assert (downloaded["name"], downloaded["path"]) == (uploaded["name"], uploaded["path"])
    assert _recorded(tmp_path, "pypa-gh-action-pypi-publish", "pypi")["packages-dir"] == "dist/"
    gh = (records / "gh.txt").read_text().splitlines()
    assert gh[:3] == ["release", "create", "v0.1.0"] and "--verify-tag" in gh


@pytest.mark.timeout(600)
@needs_act
def test_act_stops_a_tag_that_is_not_the_pyproject_version_before_anything_is_built(
    tmp_path: Path,
) -> None:
    repo = _repository(tmp_path)

    code, log = _act(repo, tmp_path, "v9.9.9")

    assert code != 0
    assert "::error file=pyproject.toml::tag v9.9.9 but pyproject.toml says version" in log
    assert not (tmp_path / "records" / "ci-run.txt").exists()
    assert not list((tmp_path / "records").glob("*-dist.json"))
