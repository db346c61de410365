"""action.yml's own logic, run as the runner runs it: the input checks (bash, from the file), the
state-cache key, the Python choice and the pins of the actions it calls."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from publisher.commands.cachekey import main as state_cache_main
from publisher.commands.cachekey import state_cache_key

ROOT = Path(__file__).resolve().parents[2]
ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
STEPS = {step["name"]: step for step in ACTION["runs"]["steps"]}


def _check_inputs(tmp: Path, dry_run: str, state_cache: str = "true") -> tuple[int, str, str]:
    output = tmp / "output"
    output.write_text("")
    done = subprocess.run(
        ["bash", "-c", STEPS["Check inputs"]["run"]],
        env={
            "PATH": "/usr/bin:/bin",
            "GITHUB_OUTPUT": str(output),
            "DRY_RUN": dry_run,
            "STATE_CACHE": state_cache,
            "REPLACE_ARTIFACT": "false",
            "ALLOW_DUPLICATE_VERSION": "no",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    return done.returncode, done.stdout + done.stderr, output.read_text()


@pytest.mark.parametrize(
    ("given", "meant"),
    [(word, "true") for word in ("true", "TRUE", "Yes", "1", "on")]
    + [(word, "false") for word in ("false", "False", "no", "0", "OFF")],
)
def test_dry_run_accepts_the_usual_booleans_in_any_case(
    tmp_path: Path, given: str, meant: str
) -> None:
    code, _, outputs = _check_inputs(tmp_path, given)
    assert code == 0
    assert f"dry-run={meant}\n" in outputs and "state-cache=true\n" in outputs
    assert "replace-artifact=false\n" in outputs and "allow-duplicate-version=false\n" in outputs


@pytest.mark.parametrize("given", ["ture", "", " true", "true\n::warning::x", "2", "treu"])
def test_a_dry_run_that_is_not_a_boolean_stops_the_action_with_a_usage_error(
    tmp_path: Path, given: str
) -> None:
    code, log, outputs = _check_inputs(tmp_path, given)
    assert code == 2  # usage, before the install or any request
    assert "dry-run=" not in outputs
    (line,) = log.splitlines()  # a value cannot inject a second workflow command
    assert line.startswith("::error title=mpac-publisher: invalid input::dry-run must be true")


def test_a_state_cache_that_is_not_a_boolean_is_refused_too(tmp_path: Path) -> None:
    code, log, _ = _check_inputs(tmp_path, "false", state_cache="sometimes")
    assert code == 2 and "state-cache must be true or false" in log


def test_the_publish_command_follows_the_checked_dry_run_not_the_raw_input() -> None:
    env = STEPS["Publish"]["env"]
    assert "inputs.dry-run" not in str(env)
    assert env["DRY_RUN"] == "${{ steps.inputs.outputs.dry-run }}"


def test_every_nested_action_is_pinned_to_a_full_commit_sha() -> None:
    uses = [step["uses"] for step in ACTION["runs"]["steps"] if "uses" in step]
    assert {u.split("@")[0] for u in uses} == {
        "actions/setup-python",
        "actions/cache/restore",
        "actions/cache/save",
        "actions/attest-build-provenance",
    }
    assert all(re.fullmatch(r"[\w./-]+@[0-9a-f]{40}", u) for u in uses), uses


def test_the_state_is_saved_even_when_the_publish_fails_but_not_after_a_dry_run() -> None:
    save = STEPS["Save the state directory"]
    condition = " ".join(save["if"].split())
    assert condition.startswith("always() &&")
    assert "steps.publish.outputs.writes == 'true'" in condition  # not after a dry run
    assert "steps.publish.outcome == 'failure'" in condition
    restore = STEPS["Restore the state directory"]["with"]
    assert save["with"]["path"] == restore["path"] == "${{ steps.state.outputs.dir }}"


def test_python_is_set_up_only_when_the_runner_lacks_3_11_or_a_version_is_asked(
    tmp_path: Path,
) -> None:
    script = STEPS["Find Python 3.11+"]["run"]
    for asked, expected in (("", "python="), ("3.13", "setup=3.13")):
        output = tmp_path / f"out{asked}"
        output.write_text("")
        subprocess.run(
            ["bash", "-c", script],
            env={"PATH": "/usr/bin:/bin", "GITHUB_OUTPUT": str(output), "PYTHON_VERSION": asked},
            check=True,
        )
        found = output.read_text()
        if asked == "" and "setup=" in found:  # this machine's /usr/bin/python3 is too old
            assert found == "setup=3.12\n"
        else:
            assert found.startswith(expected), found


def test_the_state_cache_key_is_per_app_hosting_and_api_root(tmp_path: Path) -> None:
    config = ROOT / "examples" / "release.yml"
    env = {"RUNNER_OS": "Linux", "GITHUB_RUN_ID": "77", "MPAC_STATE_DIR": str(tmp_path / "s")}
    real = state_cache_key(config, env, now_ns=5_000_000)
    assert real.key.startswith(real.restore_key) and real.key.endswith("-77-1-5")
    assert real.restore_key.startswith(
        "mpac-publisher-state-v1-Linux-com.example.timesheets-datacenter-"
    )
    assert "," not in real.key and real.directory == tmp_path / "s"
    sandbox = state_cache_key(config, {**env, "MPAC_API_URL": "http://127.0.0.1:9"}, 5_000_000)
    assert sandbox.restore_key != real.restore_key  # a rehearsal never shadows the real ledger
    later = state_cache_key(config, env, now_ns=6_000_000)
    assert later.key != real.key and later.restore_key == real.restore_key


def test_the_state_cache_key_never_fails_the_job_on_a_broken_release_yml(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "release.yml"
    broken.write_text("app: [unclosed\n")
    env = {"MPAC_STATE_DIR": str(tmp_path / "state")}
    assert state_cache_main([str(broken)], env) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("=")[0] for line in lines] == ["dir", "key", "restore-key"]
    assert (tmp_path / "state").is_dir()  # actions/cache needs the path to exist


def _publish_step(tmp: Path, config: str) -> tuple[int, str, str]:
    """The Publish step's script, run by bash; this checkout's tool stands in for the venv."""
    venv = Path(sys.executable).parent.parent  # the step runs "$VENV/bin/python" -m ...
    output = tmp / "output"
    output.write_text("")
    (tmp / "state").mkdir()
    done = subprocess.run(
        ["bash", "-c", STEPS["Publish"]["run"]],
        cwd=tmp,
        env={
            **{name: "" for name in STEPS["Publish"]["env"]},  # the runner sets each, maybe empty
            "PATH": "/usr/bin:/bin",
            "GITHUB_ACTIONS": "true",
            "GITHUB_OUTPUT": str(output),
            "VENV": str(venv),
            "COMMAND": "plan",
            "MPAC_COMMAND": "publish",
            "MPAC_CONFIG": config,
            "MPAC_API_URL": "",
            "MPAC_STATE_DIR": str(tmp / "state"),
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return done.returncode, done.stdout + done.stderr, output.read_text()


@pytest.mark.parametrize("config", ["--help", "--version", "-h", "--dry-run"])
def test_a_config_input_that_looks_like_an_option_is_a_path_not_an_option(
    tmp_path: Path, config: str
) -> None:
    code, log, outputs = _publish_step(tmp_path, config)
    assert code == 3, log  # release file not found, not a "successful" --help
    assert f"release file not found: {config}" in log
    assert _outputs(outputs)["result"] == "invalid"  # the workflow learns what happened


def _outputs(text: str) -> dict[str, str]:
    """GITHUB_OUTPUT's `name<<DELIMITER` blocks, as the runner reads them."""
    found, lines = {}, iter(text.splitlines())
    for line in lines:
        if "<<" not in line:  # the plain `name=value` form (the action's own `writes=`)
            name, _, value = line.partition("=")
            found[name] = value
            continue
        name, _, delimiter = line.partition("<<")
        found[name] = "\n".join(iter(lambda: next(lines), delimiter))
    return found
