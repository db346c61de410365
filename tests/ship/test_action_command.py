"""The action's `command` input and option inputs, as action.yml's Publish step runs them: every
command of the table is a command the tool has, a dry run never writes, an option the command does
not take stops the action (exit 2) before anything runs, and the step's own script execs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from publisher.commands.action import COMMANDS, OPTIONS

ROOT = Path(__file__).resolve().parents[2]
ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
STEPS = {step["name"]: step for step in ACTION["runs"]["steps"]}


def _run(tmp: Path, **inputs: str) -> tuple[int, str, list[str], str]:
    """The Publish step's script with these inputs: (exit, log, the tool's argv, its outputs)."""
    output = tmp / "output"
    output.write_text("")
    env = {"PATH": os.environ["PATH"], "GITHUB_OUTPUT": str(output), "MPAC_API_URL": ""}
    env |= {name.upper(): value for name, value in inputs.items()}
    done = subprocess.run(
        [sys.executable, "-m", "publisher.commands.action", "--print"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    argv = done.stdout.strip().split("\0") if done.returncode == 0 else []
    return done.returncode, done.stdout + done.stderr, argv, output.read_text()


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_of_the_action_is_a_command_of_the_tool(name: str) -> None:
    command = COMMANDS[name]
    runs = {command.argv: command.options}
    if command.dry_argv is not None:  # a dry run leaves out what only a real run takes
        runs[command.dry_argv] = command.options - command.real_only
    for words, options in runs.items():
        done = subprocess.run(
            [sys.executable, "-m", "publisher", *words, "--help"],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
        assert done.returncode == 0, (words, done.stderr)
        for option in options:
            assert OPTIONS[option][1] in done.stdout, (words, option)


@pytest.mark.parametrize(
    ("inputs", "argv", "writes"),
    [
        ({}, ["publish", "--", "release.yml"], "true"),
        ({"dry_run": "true"}, ["plan", "--", "release.yml"], "false"),
        ({"command": "compat  bump", "dry_run": "true"}, ["compat", "bump", "--dry-run"], "false"),
        ({"command": "yank", "arguments": "--build\n 2004000 \n"}, ["yank", "--execute"], "true"),
        ({"command": "yank", "dry_run": "true"}, ["yank"], "false"),
        ({"command": "status", "mpac_config": "app/release.yml"}, ["status"], "false"),
        ({"command": "apps"}, ["apps"], "false"),
    ],
)
def test_the_command_input_becomes_one_command_line_and_says_whether_it_writes(
    tmp_path: Path, inputs: dict[str, str], argv: list[str], writes: str
) -> None:
    code, log, tool, outputs = _run(tmp_path, **inputs)
    assert code == 0, log
    assert tool[: len(argv)] == argv
    if "arguments" in inputs:
        assert tool[len(argv) : len(argv) + 2] == ["--build", "2004000"]
    if COMMANDS[" ".join(inputs.get("command", "publish").split())].config:
        assert tool[-2:] == ["--", inputs.get("mpac_config", "release.yml")]
    else:
        assert "--" not in tool
    assert outputs == f"writes={writes}\n"


def test_the_publish_inputs_become_their_flags(tmp_path: Path) -> None:
    code, log, tool, _ = _run(
        tmp_path,
        replace_artifact="true",
        allow_duplicate_version="false",
        images="keep",
        listing_state="release",
    )
    assert code == 0, log
    assert tool == [
        "publish",
        "--replace-artifact",
        "--images",
        "keep",
        "--listing-state",
        "release",
        "--",
        "release.yml",
    ]


@pytest.mark.parametrize(
    ("inputs", "says"),
    [
        ({"command": "publsh"}, "command must be one of publish, plan, validate, status"),
        ({"command": "status", "replace_artifact": "true"}, "replace-artifact is not an input"),
        ({"command": "yank", "images": "upload"}, "images is not an input of command 'yank'"),
        ({"command": "x\n::warning::y"}, "not 'x ::warning::y'"),
    ],
)
def test_an_input_the_command_cannot_take_stops_the_action_with_a_usage_error(
    tmp_path: Path, inputs: dict[str, str], says: str
) -> None:
    code, log, _, outputs = _run(tmp_path, **inputs)
    assert code == 2
    (line,) = log.splitlines()  # one annotation: a value cannot inject a second command
    assert line.startswith("::error title=mpac-publisher: invalid input::") and says in line
    assert line.endswith("; nothing was run")
    assert outputs == ""  # no `writes=true`: the state is not saved after a refusal


def test_the_publish_step_execs_the_command_table_with_every_input_mapped() -> None:
    step = STEPS["Publish"]
    assert 'exec "$VENV/bin/python" -m publisher.commands.action' in step["run"]
    env = step["env"]
    for option, (variable, _) in OPTIONS.items():
        assert option in ACTION["inputs"], option
        assert variable in env, variable
    assert env["DRY_RUN"] == "${{ steps.inputs.outputs.dry-run }}"  # checked, not the raw input
    assert env["COMMAND"] == "${{ inputs.command }}"
    assert "steps.publish.outputs.writes == 'true'" in STEPS["Save the state directory"]["if"]
