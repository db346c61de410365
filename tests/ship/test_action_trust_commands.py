"""action.yml's `command`, `receipt` and `token-expires` inputs, run as the runner runs them: the
input check and the Publish step's script (bash, from the file) against a stand-in tool that
records its arguments and environment."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
STEPS = {s["name"]: s for s in yaml.safe_load((ROOT / "action.yml").read_text())["runs"]["steps"]}


def check_inputs(tmp_path: Path, command: str) -> tuple[int, str, str]:
    output = tmp_path / "output"
    output.write_text("")
    env = {
        "PATH": "/usr/bin:/bin",
        "GITHUB_OUTPUT": str(output),
        "DRY_RUN": "false",
        "STATE_CACHE": "true",
        "COMMAND_INPUT": command,
    }
    done = subprocess.run(
        ["bash", "-c", STEPS["Check inputs"]["run"]], env=env, capture_output=True, text=True
    )
    return done.returncode, done.stdout + done.stderr, output.read_text()


@pytest.mark.parametrize("command", ["publish", "verify", "doctor", "promote"])
def test_the_command_input_names_one_of_the_three_commands(tmp_path: Path, command: str) -> None:
    code, _, outputs = check_inputs(tmp_path, command)
    assert code == 0 and f"command={command}\n" in outputs


@pytest.mark.parametrize("command", ["yank", "verify; rm -rf /", "doctor\n::warning::x"])
def test_any_other_command_stops_the_action_with_a_usage_error(
    tmp_path: Path, command: str
) -> None:
    code, log, outputs = check_inputs(tmp_path, command)
    assert code == 2 and "command=" not in outputs
    (line,) = log.splitlines()  # a value cannot inject a second workflow command
    assert line.startswith("::error title=mpac-publisher: invalid input::command must be")


def run_step(tmp_path: Path, **env: str) -> tuple[list[str], str]:
    """The Publish step's script with a stand-in mpac-publisher: its argv and MPAC_TOKEN_EXPIRES."""
    tool = tmp_path / "venv" / "bin" / "mpac-publisher"
    tool.parent.mkdir(parents=True, exist_ok=True)
    seen = tmp_path / "seen"
    tool.write_text(
        '#!/bin/bash\nprintf "%s\\n" "$@" >"$SEEN"\n'
        'echo "expires=${MPAC_TOKEN_EXPIRES-unset}" >>"$SEEN"\n'
    )
    tool.chmod(0o755)
    base = {
        "PATH": "/usr/bin:/bin",
        "VENV": str(tmp_path / "venv"),
        "SEEN": str(seen),
        "COMMAND": "publish",
        "MPAC_CONFIG": "release.yml",
        "MPAC_API_URL": "",
        "MPAC_RECEIPT": "",
        "MPAC_TOKEN_EXPIRES": "",
        "MPAC_COMMAND": "publish",
        "MPAC_STAGE": "false",
    }
    subprocess.run(
        ["bash", "-c", STEPS["Publish"]["run"]], env={**base, **env}, cwd=tmp_path, check=True
    )
    *argv, expires = seen.read_text().splitlines()
    return argv, expires


def test_the_publish_step_runs_the_chosen_command_with_its_inputs(tmp_path: Path) -> None:
    assert run_step(tmp_path) == (["publish", "release.yml"], "expires=unset")
    assert run_step(tmp_path, MPAC_RECEIPT="out/r.json")[0] == [
        "publish",
        "release.yml",
        "--receipt",
        "out/r.json",
    ]
    plan = run_step(tmp_path, COMMAND="plan", MPAC_RECEIPT="r.json")[0]
    assert plan == ["plan", "release.yml"]  # a dry run writes no receipt
    verify = run_step(tmp_path, MPAC_COMMAND="verify", MPAC_RECEIPT="r.json")[0]
    assert verify == ["verify", "release.yml", "--receipt", "r.json"]
    assert run_step(tmp_path, MPAC_COMMAND="verify")[0] == ["verify", "release.yml"]
    doctor = run_step(tmp_path, MPAC_COMMAND="doctor", MPAC_TOKEN_EXPIRES="2027-01-31")
    assert doctor == (["doctor"], "expires=2027-01-31")  # no release.yml here: none passed
    promote = run_step(tmp_path, MPAC_COMMAND="promote", MPAC_RECEIPT="r.json")[0]
    assert promote == ["promote", "--receipt", "r.json", "--execute"]
    dry = run_step(tmp_path, MPAC_COMMAND="promote", MPAC_RECEIPT="r.json", COMMAND="plan")[0]
    assert dry == ["promote", "--receipt", "r.json"]  # dry-run: true is promote's dry run
    stage = run_step(tmp_path, MPAC_STAGE="true", MPAC_RECEIPT="r.json")[0]
    assert stage == ["publish", "release.yml", "--receipt", "r.json", "--stage"]
    assert run_step(tmp_path, MPAC_STAGE="true", COMMAND="plan")[0] == ["plan", "release.yml"]
    (tmp_path / "release.yml").write_text("app: x\n")
    assert run_step(tmp_path, MPAC_COMMAND="doctor")[0] == ["doctor", "release.yml"]
    promote = run_step(tmp_path, MPAC_COMMAND="promote", MPAC_RECEIPT="r.json")[0]
    assert promote == ["promote", "--receipt", "r.json", "release.yml", "--execute"]


def test_stage_is_a_checked_boolean(tmp_path: Path) -> None:
    output = tmp_path / "output"
    output.write_text("")
    env = {"PATH": "/usr/bin:/bin", "GITHUB_OUTPUT": str(output), "DRY_RUN": "false"}
    for given, code in (("yes", 0), ("sometimes", 2)):
        script = STEPS["Check inputs"]["run"]
        done = subprocess.run(
            ["bash", "-c", script], env={**env, "STATE_CACHE": "true", "STAGE": given}, check=False
        )
        assert done.returncode == code
    assert "stage=true\n" in output.read_text()


def test_the_state_cache_is_only_for_publish() -> None:
    assert "steps.inputs.outputs.command == 'publish'" in STEPS["State cache key"]["if"]
