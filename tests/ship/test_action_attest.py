"""The action's attestation of what it published (issue 23), run as the runner runs it: action.yml's
own Publish, Attestation check and Record steps by bash, in their order and under their `if:`,
against a sandbox Marketplace, with the actions/attest-build-provenance stand-in
(tests/ship/standins) in place of the pinned action. A release that is done is never failed by
its attestation: a missing permission or a failed attest step is one warning; the job is green."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from publisher.sandbox import Sandbox, SandboxSettings
from tests.support.publisher import SPACING, Publisher, Release

ROOT = Path(__file__).resolve().parents[2]
ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
STEPS = {step["name"]: step for step in ACTION["runs"]["steps"]}
STAND_IN = yaml.safe_load(
    (Path(__file__).parent / "standins/attest-build-provenance/action.yml").read_text()
)
VENV = Path(sys.executable).parent.parent  # the steps run "$VENV/bin/python" -m ...
ATTEST_STEPS = ("Attestation check", "Attest the artifact", "Record the attestation")
CONDITION = re.compile(r"steps\.([\w-]+)\.outputs\.([\w-]+) == 'true'")


@dataclass
class Job:
    """One job of a workflow calling the action: each step's outputs, outcome and log."""

    root: Path
    env: dict[str, str]
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)
    outcome: dict[str, str] = field(default_factory=dict)
    log: str = ""

    def run(self, name: str, script: str, env: dict[str, str], cwd: Path) -> int:
        output = self.root / f"output-{len(self.outcome)}"
        output.write_text("")
        done = subprocess.run(
            ["bash", "-c", script],
            cwd=cwd,
            env={**self.env, **env, "GITHUB_OUTPUT": str(output)},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        self.log += done.stdout + done.stderr
        self.outputs[name] = _outputs(output.read_text())
        self.outcome[name] = "success" if done.returncode == 0 else "failure"
        return done.returncode


@dataclass
class Workspace:
    sandbox: Sandbox
    publisher: Publisher
    root: Path


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    with Sandbox(settings=SandboxSettings(upload_spacing=SPACING), port=0) as sandbox:
        release = Release(tmp_path / "repo")
        yield Workspace(sandbox, Publisher(sandbox, release, tmp_path / "state"), tmp_path)


def _job(ws: Workspace, inputs: dict[str, str], **runner: str) -> Job:
    """The Publish step and the attestation steps after it, as the runner would run them with
    these inputs (by their env names) and these runner variables."""
    summary = ws.root / "summary.md"
    summary.touch()
    base = {
        "PATH": "/usr/bin:/bin",
        "VENV": str(VENV),
        "GITHUB_ACTIONS": "true",
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_REPOSITORY": "example/timesheets",
        "RUNNER_TEMP": str(ws.root),
        **{k: v for k, v in ws.publisher.env.items() if k != "NO_COLOR"},
        **runner,
    }
    job = Job(ws.root, base)
    workdir = ws.publisher.release.root
    raw = {"DRY_RUN": "false", "STATE_CACHE": "false", "ATTEST": "", "COMMAND_INPUT": "publish"}
    raw |= {k: v for k, v in inputs.items() if k in raw}
    assert job.run("inputs", STEPS["Check inputs"]["run"], raw, workdir) == 0, job.log
    checked = job.outputs["inputs"]
    publish_env = {name: "" for name in STEPS["Publish"]["env"]}
    publish_env |= {k: v for k, v in ws.publisher.env.items() if k in publish_env}
    publish_env |= {
        "COMMAND": raw["COMMAND_INPUT"],
        "DRY_RUN": checked["dry-run"],
        "VENV": str(VENV),
    }
    publish_env |= {k: v for k, v in inputs.items() if k in publish_env and k not in raw}
    job.run("publish", STEPS["Publish"]["run"], publish_env, workdir)
    check = {
        "VENV": str(VENV),
        "ATTEST": checked["attest"],
        "COMMAND": publish_env["COMMAND"],
        "WRITES": job.outputs["publish"].get("writes", ""),
        "ARTIFACT": job.outputs["publish"].get("artifact", ""),
    }
    _attestation_steps(job, check, publish_env, workdir)
    return job


def _attestation_steps(job: Job, check: dict[str, str], publish: dict[str, str], cwd: Path) -> None:
    """Attestation check, the attest stand-in, Record: each only if its `if:` holds."""
    if job.outcome["publish"] != "success":
        return  # a failed publish skips every later step (no always())
    job.run("attest-check", STEPS["Attestation check"]["run"], check, cwd)
    if _holds(STEPS["Attest the artifact"]["if"], job):
        subject = {"SUBJECT": job.outputs["attest-check"]["subject"]}
        job.run("attest", STAND_IN["runs"]["steps"][0]["run"], subject, cwd)
    else:
        job.outcome["attest"] = "skipped"
    if _holds(STEPS["Record the attestation"]["if"], job):
        record = {
            "VENV": str(VENV),
            "PERMITTED": job.outputs["attest-check"].get("permitted", ""),
            "OUTCOME": job.outcome["attest"],
            "ATTESTATION_URL": job.outputs.get("attest", {}).get("attestation-url", ""),
            "MPAC_RECEIPT": publish.get("MPAC_RECEIPT", ""),
        }
        job.run("record", STEPS["Record the attestation"]["run"], record, cwd)


def _holds(condition: str, job: Job) -> bool:
    """action.yml's `steps.<id>.outputs.<name> == 'true'`, the one form these steps use."""
    match = CONDITION.fullmatch(condition.strip())
    assert match, f"not a condition this test can evaluate: {condition}"
    return job.outputs.get(match[1], {}).get(match[2]) == "true"


def _outputs(text: str) -> dict[str, str]:
    """GITHUB_OUTPUT's `name=value` lines and `name<<DELIMITER` blocks, as the runner reads them."""
    found, lines = {}, iter(text.splitlines())
    for line in lines:
        if "<<" not in line:
            name, _, value = line.partition("=")
            found[name] = value
            continue
        name, _, delimiter = line.partition("<<")
        found[name] = "\n".join(iter(lambda: next(lines), delimiter))
    return found


def _warnings(log: str) -> list[str]:
    return [line for line in log.splitlines() if line.startswith("::warning")]


PERMITTED = {"ACTIONS_ID_TOKEN_REQUEST_URL": "http://127.0.0.1:9/never-called"}


def test_a_published_artifact_is_attested_and_its_url_lands_in_the_receipt_and_the_summary(
    workspace: Workspace,
) -> None:
    job = _job(workspace, {"MPAC_RECEIPT": "receipt.json"}, **PERMITTED)
    steps = ("inputs", "publish", "attest-check", "attest", "record")
    assert job.outcome == dict.fromkeys(steps, "success"), job.log
    jar = workspace.publisher.release.root / "target" / "timesheets-2.4.0.jar"
    assert job.outputs["publish"]["artifact"] == str(jar.resolve())  # the file it published
    sha256 = hashlib.sha256(jar.read_bytes()).hexdigest()
    assert f"stand-in attest: {jar.resolve()} sha256 {sha256}" in job.log
    url = job.outputs["attest"]["attestation-url"]
    assert re.fullmatch(r"https://github\.com/example/timesheets/attestations/\d+", url)
    receipt = json.loads((workspace.publisher.release.root / "receipt.json").read_text())
    assert receipt["attestation_url"] == url and receipt["artifact"]["sha256"] == sha256
    summary = (workspace.root / "summary.md").read_text()
    assert summary.count("Build provenance:") == 1 and f"]({url})" in summary
    assert _warnings(job.log) == []
    shown = [line for line in job.log.splitlines() if not line.startswith("::add-mask::")]
    token = workspace.publisher.env["MPAC_TOKEN"]
    assert all(token not in text for text in (*shown, json.dumps(receipt), summary))


def test_a_failed_attestation_warns_keeps_the_job_green_and_leaves_the_receipt_unchanged(
    workspace: Workspace,
) -> None:
    job = _job(workspace, {"MPAC_RECEIPT": "receipt.json"}, STANDIN_ATTEST="fail", **PERMITTED)
    assert job.outcome["publish"] == "success" and job.outcome["attest"] == "failure"
    assert job.outcome["record"] == "success"  # the job is green: the release is done
    assert all(STEPS[name].get("continue-on-error") is True for name in ATTEST_STEPS)
    receipt = json.loads((workspace.publisher.release.root / "receipt.json").read_text())
    assert receipt["attestation_url"] is None
    (warning,) = _warnings(job.log)
    assert "attesting the published artifact failed (attest step: failure)" in warning
    assert "attestations: write" in warning and "release itself is done" in warning
    assert "Build provenance" not in (workspace.root / "summary.md").read_text()


def test_without_id_token_permission_nothing_is_attested_and_one_warning_says_how_to_enable_it(
    workspace: Workspace,
) -> None:
    job = _job(workspace, {"MPAC_RECEIPT": "receipt.json"})  # no ACTIONS_ID_TOKEN_REQUEST_URL
    assert job.outputs["attest-check"]["wanted"] == "true"
    assert job.outputs["attest-check"]["permitted"] == "false"
    assert job.outcome["attest"] == "skipped" and job.outcome["record"] == "success"
    (warning,) = _warnings(job.log)
    assert "no id-token: write" in warning
    assert "permissions: {id-token: write, attestations: write}" in warning
    assert "attest input to false" in warning
    receipt = json.loads((workspace.publisher.release.root / "receipt.json").read_text())
    assert receipt["attestation_url"] is None


@pytest.mark.parametrize(
    "inputs",
    [{"DRY_RUN": "true"}, {"ATTEST": "false"}, {"COMMAND_INPUT": "plan"}],
    ids=["dry-run", "attest-false", "plan"],
)
def test_a_dry_run_a_plan_or_attest_false_attests_nothing_and_warns_nothing(
    workspace: Workspace, inputs: dict[str, str]
) -> None:
    job = _job(workspace, inputs, **PERMITTED)
    assert job.outcome["publish"] == "success", job.log
    assert job.outputs["attest-check"]["wanted"] == "false"
    assert job.outcome["attest"] == "skipped" and "record" not in job.outcome
    assert _warnings(job.log) == [] and "stand-in attest" not in job.log


def _record(tmp: Path, receipt: Path, url: str, **env: str) -> tuple[int, list[str]]:
    """The Record step alone, after an attest step that succeeded with this URL."""
    job = Job(tmp, {"PATH": "/usr/bin:/bin", "GITHUB_STEP_SUMMARY": str(tmp / "summary.md")})
    record = {"VENV": str(VENV), "PERMITTED": "true", "OUTCOME": "success"}
    record |= {"ATTESTATION_URL": url, "MPAC_RECEIPT": str(receipt), **env}
    code = job.run("record", STEPS["Record the attestation"]["run"], record, tmp)
    return code, job.log.splitlines()


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("http://github.com/a/b/attestations/1", "attesting the published artifact failed"),
        ("https://github.com/a\n::error::injected", "attesting the published artifact failed"),
        ("https://github.com/a/b/attestations/1?t=tok-123456789", "holds a credential"),
    ],
    ids=["not-https", "two-lines", "credential"],
)
def test_an_attestation_url_the_receipt_cannot_hold_is_a_warning_and_the_receipt_stays(
    tmp_path: Path, url: str, says: str
) -> None:
    receipt = tmp_path / "receipt.json"
    receipt.write_text('{"receipt": 1}\n')  # bytes that must not change
    code, lines = _record(
        tmp_path, receipt, url, MPAC_USER="me@example.com", MPAC_TOKEN="tok-123456789"
    )
    assert code == 0
    (line,) = lines  # one annotation: a URL cannot inject a second workflow command
    assert line.startswith("::warning title=mpac-publisher: not attested::") and says in line
    assert "tok-123456789" not in line
    assert receipt.read_text() == '{"receipt": 1}\n'
    assert not (tmp_path / "summary.md").exists()


def test_a_receipt_that_is_not_a_receipt_keeps_the_job_green_and_names_the_file(
    tmp_path: Path,
) -> None:
    receipt = tmp_path / "receipt.json"
    receipt.write_text("not json\n")
    code, lines = _record(tmp_path, receipt, "https://github.com/a/b/attestations/7")
    assert code == 0
    assert lines[0] == "mpac-publisher: artifact attested: https://github.com/a/b/attestations/7"
    assert lines[1].startswith("::warning title=mpac-publisher: attestation not recorded::")
    assert f"the receipt {receipt} is not JSON" in lines[1]
    assert receipt.read_text() == "not json\n"
    assert "attestations/7" in (tmp_path / "summary.md").read_text()  # the summary still has it


def test_an_unchanged_republish_attests_again_so_its_rewritten_receipt_keeps_the_url(
    workspace: Workspace,
) -> None:
    first = _job(workspace, {"MPAC_RECEIPT": "receipt.json"}, **PERMITTED)
    again = _job(workspace, {"MPAC_RECEIPT": "receipt.json"}, **PERMITTED)
    assert first.outputs["publish"]["result"] == "created", first.log
    assert again.outputs["publish"]["result"] == "unchanged", again.log
    assert again.outcome["record"] == "success" and _warnings(again.log) == []
    receipt = json.loads((workspace.publisher.release.root / "receipt.json").read_text())
    assert receipt["attestation_url"] == again.outputs["attest"]["attestation-url"]
