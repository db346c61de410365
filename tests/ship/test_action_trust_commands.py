"""action.yml's `command` input for verify, doctor and promote, and the `receipt`, `stage` and
`token-expires` inputs, run as the runner runs them: the Check inputs step (bash, from the file)
and the Publish step's script, whose command table (publisher/commands/action.py) prints the
command line it would become."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
STEPS = {s["name"]: s for s in yaml.safe_load((ROOT / "action.yml").read_text())["runs"]["steps"]}


def check_inputs(tmp_path: Path, command: str, **env: str) -> tuple[int, str, str]:
    output = tmp_path / "output"
    output.write_text("")
    base = {
        "PATH": "/usr/bin:/bin",
        "GITHUB_OUTPUT": str(output),
        "DRY_RUN": "false",
        "STATE_CACHE": "true",
        "COMMAND_INPUT": command,
    }
    done = subprocess.run(
        ["bash", "-c", STEPS["Check inputs"]["run"]],
        env={**base, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    return done.returncode, done.stdout + done.stderr, output.read_text()


def command_line(tmp_path: Path, **env: str) -> list[str]:
    """The tool's argv the action would exec (run in tmp_path, where release.yml may be)."""
    base = {"PATH": os.environ["PATH"], "COMMAND": "publish", "DRY_RUN": "false"}
    done = subprocess.run(
        [sys.executable, "-m", "publisher.commands.action", "--print"],
        env={**base, **env},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout.strip().split("\0")


@pytest.mark.parametrize("command", ["publish", "verify", "doctor", "promote"])
def test_the_trust_commands_pass_the_input_check(tmp_path: Path, command: str) -> None:
    code, _, outputs = check_inputs(tmp_path, command)
    assert code == 0 and f"stateful={'true' if command == 'publish' else 'false'}\n" in outputs


def test_the_trust_commands_become_their_command_lines(tmp_path: Path) -> None:
    assert command_line(tmp_path, MPAC_RECEIPT="out/r.json") == [
        "publish",
        "--receipt",
        "out/r.json",
        "--",
        "release.yml",
    ]
    plan = command_line(tmp_path, DRY_RUN="true", MPAC_RECEIPT="r.json", MPAC_STAGE="true")
    assert plan == ["plan", "--", "release.yml"]  # a dry run writes no receipt, stages nothing
    stage = command_line(tmp_path, MPAC_STAGE="true", MPAC_RECEIPT="r.json")
    assert stage == ["publish", "--receipt", "r.json", "--stage", "--", "release.yml"]
    verify = command_line(tmp_path, COMMAND="verify", MPAC_RECEIPT="r.json")
    assert verify == ["verify", "--receipt", "r.json", "--", "release.yml"]
    assert command_line(tmp_path, COMMAND="verify") == ["verify", "--", "release.yml"]
    assert command_line(tmp_path, COMMAND="doctor") == ["doctor"]  # no release.yml here
    promote = command_line(tmp_path, COMMAND="promote", MPAC_RECEIPT="r.json")
    assert promote == ["promote", "--execute", "--receipt", "r.json"]
    dry = command_line(tmp_path, COMMAND="promote", MPAC_RECEIPT="r.json", DRY_RUN="true")
    assert dry == ["promote", "--receipt", "r.json"]  # dry-run: true is promote's dry run
    (tmp_path / "release.yml").write_text("app: x\n")
    assert command_line(tmp_path, COMMAND="doctor") == ["doctor", "--", "release.yml"]
    promote = command_line(tmp_path, COMMAND="promote", MPAC_RECEIPT="r.json")
    assert promote == ["promote", "--execute", "--receipt", "r.json", "--", "release.yml"]


def test_stage_is_a_checked_boolean(tmp_path: Path) -> None:
    assert check_inputs(tmp_path, "publish", STAGE="yes")[0] == 0
    assert "stage=true\n" in (tmp_path / "output").read_text()
    code, log, _ = check_inputs(tmp_path, "publish", STAGE="sometimes")
    assert code == 2 and "stage must be true or false" in log


def test_the_state_cache_is_only_for_publish_and_plan() -> None:
    assert "steps.inputs.outputs.stateful == 'true'" in STEPS["State cache key"]["if"]


def test_token_expires_reaches_the_tool_only_when_given() -> None:
    step = STEPS["Publish"]
    assert step["env"]["MPAC_TOKEN_EXPIRES"] == "${{ inputs.token-expires }}"
    assert 'if [ -z "${MPAC_TOKEN_EXPIRES:-}" ]; then unset MPAC_TOKEN_EXPIRES; fi' in step["run"]
