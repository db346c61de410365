"""The GitHub examples beyond marketplace.yml, read as data: scheduled compatibility (#22), stage
and promote, the weekly doctor (#23). Every action is pinned by commit SHA (the same commit
everywhere, the CLI install included), each passes only inputs the action has, and each wires what
the issues ask for. The act runs are test_scheduled_compat.py and test_staged_release.py."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / "examples" / ".github" / "workflows"
NEW = ("scheduled-compat.yml", "staged-release.yml", "weekly-doctor.yml")
USES = re.compile(r"uses: ([\w.-]+/[\w./-]+)@(\S+)(.*)")
OURS = "mpac-publisher/mpac-publisher"


def _load(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((WORKFLOWS / name).read_text())
    return loaded


def _steps(name: str, job: str) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = _load(name)["jobs"][job]["steps"]
    return steps


def _ours(name: str, job: str) -> list[dict[str, Any]]:
    return [s for s in _steps(name, job) if s.get("uses", "").startswith(OURS + "@")]


def test_every_action_and_the_cli_install_pin_the_same_commits_as_the_other_files() -> None:
    pinned = {}  # action -> sha, from action.yml, the release workflow and marketplace.yml
    for known in (
        ROOT / "action.yml",
        ROOT / ".github/workflows/release.yml",
        WORKFLOWS / "marketplace.yml",
    ):
        for action, ref, _ in USES.findall(known.read_text()):
            pinned.setdefault(action, ref)
    for name in NEW:
        text = (WORKFLOWS / name).read_text()
        found = USES.findall(text)
        assert found, name
        for action, ref, comment in found:
            assert re.fullmatch(r"[0-9a-f]{40}", ref), f"{name}: {action}@{ref}"
            assert comment.startswith(" # "), f"{name}: {action} has no version comment"
            assert pinned.get(action, ref) == ref, f"{name}: {action}@{ref}, not {pinned[action]}"
        installs = re.findall(rf"git\+https://github\.com/{OURS}@(\w+)", text)
        assert all(sha == pinned[OURS] for sha in installs), (name, installs)
    assert re.findall(rf"{OURS}@(\w+)", (WORKFLOWS / "scheduled-compat.yml").read_text()) == [
        pinned[OURS]
    ]


def test_each_example_passes_only_inputs_the_action_has() -> None:
    inputs = set(yaml.safe_load((ROOT / "action.yml").read_text())["inputs"])
    commands = {"publish", "verify", "doctor", "promote"}
    for name in NEW:
        for job in _load(name)["jobs"]:
            for step in _ours(name, job):
                assert set(step["with"]) <= inputs, (name, set(step["with"]) - inputs)
                assert step["with"].get("command", "publish") in commands, name


def test_scheduled_compat_runs_weekly_and_by_hand_and_only_its_job_may_write() -> None:
    workflow = _load("scheduled-compat.yml")
    on = workflow[True]  # YAML 1.1 reads `on` as true
    assert set(on) == {"schedule", "workflow_dispatch"} and len(on["schedule"]) == 1
    assert re.fullmatch(r"\d+ \d+ \* \* [0-6]", on["schedule"][0]["cron"])  # weekly
    assert workflow["permissions"] == {"contents": "read"}
    (job,) = workflow["jobs"].values()
    assert job["permissions"] == {"contents": "write", "pull-requests": "write", "issues": "write"}
    runs = "\n".join(s.get("run", "") for s in job["steps"])
    order = [f"mpac-publisher compat {c}" for c in ("check", "surface", "verify")]
    order += ["PLACEHOLDER", "mpac-publisher compat bump"]
    at = [runs.index(word) for word in order]
    assert at == sorted(at), order
    assert (
        "--write-config --verified" in runs and "gh pr create" in runs and "gh issue create" in runs
    )
    assert "persist-credentials: false" in (WORKFLOWS / "scheduled-compat.yml").read_text()


def test_staged_release_stages_on_tags_and_promotes_the_kept_receipt_behind_an_environment() -> (
    None
):
    workflow = _load("staged-release.yml")
    assert workflow[True] == {"push": {"tags": ["v*"]}}
    assert workflow["concurrency"] == {
        "group": "atlassian-marketplace-release",
        "cancel-in-progress": False,
    }
    stage, promote = workflow["jobs"]["stage"], workflow["jobs"]["promote"]
    (staging,) = _ours("staged-release.yml", "stage")
    assert staging["with"]["command"] == "publish" and staging["with"]["stage"] is True
    (upload,) = [s for s in stage["steps"] if "upload-artifact" in s.get("uses", "")]
    assert upload["with"]["path"] == staging["with"]["receipt"]
    assert upload["with"]["if-no-files-found"] == "error"
    assert promote["needs"] == "stage" and promote["environment"]["name"] == "marketplace"
    (download,) = [s for s in promote["steps"] if "download-artifact" in s.get("uses", "")]
    assert download["with"]["name"] == upload["with"]["name"]
    (promoting,) = _ours("staged-release.yml", "promote")
    assert promoting["with"]["command"] == "promote" and "dry-run" not in promoting["with"]
    kept = Path(upload["with"]["path"]).name
    assert promoting["with"]["receipt"] == f"{download['with']['path']}/{kept}"


def test_weekly_doctor_passes_the_recorded_token_expiry() -> None:
    workflow = _load("weekly-doctor.yml")
    assert set(workflow[True]) == {"schedule", "workflow_dispatch"}
    (doctor,) = _ours("weekly-doctor.yml", "doctor")
    assert doctor["with"]["command"] == "doctor"
    assert doctor["with"]["token-expires"] == "${{ vars.MPAC_TOKEN_EXPIRES }}"
    assert workflow["permissions"] == {"contents": "read"}
