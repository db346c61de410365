"""The publisher as the end-to-end tests drive it: a workspace with examples/ copied in, the real
CLI run in-process (or as a child process) against a sandbox Marketplace, and readers of the
sandbox's state."""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from publisher.cli import main
from publisher.sandbox import Sandbox
from tests.support.children import spawn

ROOT = Path(__file__).resolve().parents[2]
SPACING = 0.2  # the sandbox and the client agree on a short spacing for tests


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


class Release:
    """A workspace with examples/ copied in; `edit` rewrites release.yml."""

    def __init__(self, root: Path) -> None:
        self.root = root
        shutil.copytree(ROOT / "examples", root, dirs_exist_ok=True)
        (root / ".git").mkdir(exist_ok=True)  # the workspace root
        self.path = root / "release.yml"

    def edit(self, old: str, new: str) -> None:
        text = self.path.read_text()
        assert old in text, old
        self.path.write_text(text.replace(old, new, 1))

    def line_of(self, needle: str) -> int:
        for number, line in enumerate(self.path.read_text().splitlines(), 1):
            if needle in line:
                return number
        raise AssertionError(needle)


class Publisher:
    def __init__(self, sandbox: Sandbox, release: Release, state: Path) -> None:
        self.sandbox = sandbox
        self.release = release
        user, token = sandbox.credentials
        self.env: dict[str, str] = {
            "MPAC_API_URL": sandbox.url,
            "MPAC_USER": user,
            "MPAC_TOKEN": token,
            "MPAC_STATE_DIR": str(state),
            "MPAC_UPLOAD_SPACING": str(SPACING),
            "MPAC_RETRY_INITIAL": "0.01",
            "MPAC_HTTP_TIMEOUT": "2",
            "NO_COLOR": "1",
        }

    def __call__(self, *args: str, **env: str) -> Run:
        argv = list(args) or ["publish"]
        if not any(a.endswith(".yml") for a in argv):
            argv.append(str(self.release.path))
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv, {**self.env, **env})
        if "--json" in argv and argv[0] in ("publish", "plan", "validate"):
            conforms(out.getvalue(), "publish")  # every publish --json document of every test
        return Run(code, out.getvalue(), err.getvalue())

    def spawn(self, *args: str, separate_stderr: bool = False) -> subprocess.Popen[str]:
        """`mpac-publisher publish [args] release.yml` as a child process (a longer HTTP timeout:
        these runs share the machine with others). SIGINT is left at its default in the child, so
        a test can interrupt it even when pytest runs in the background (which ignores SIGINT)."""
        env = {**os.environ, **self.env, "MPAC_HTTP_TIMEOUT": "30"}
        argv = [sys.executable, "-m", "publisher", "publish", *args, str(self.release.path)]
        return spawn(
            argv,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE if separate_stderr else subprocess.STDOUT,
        )

    def writes(self) -> list[tuple[str, str]]:
        return [(e["method"], e["path"]) for e in self.sandbox.journal() if e["method"] != "GET"]


def github_env(release: Release, tmp_path: Path) -> dict[str, str]:
    """The variables of a GitHub Actions step, its output and summary files under tmp_path."""
    return {
        "GITHUB_ACTIONS": "true",
        "GITHUB_WORKSPACE": str(release.root),
        "GITHUB_OUTPUT": str(tmp_path / "output.txt"),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
    }


def versions(state: dict[str, Any], hosting: str = "datacenter") -> dict[Any, Any]:
    for app in state["apps"].values():
        if app["appKey"] == "com.example.timesheets" and app["hosting"] == hosting:
            return dict(app["versions"])
    raise AssertionError(f"no {hosting} app software")


def app_software_id(state: dict[str, Any], hosting: str = "datacenter") -> str:
    """The sandbox's id of the example app's software for `hosting`."""
    for app_id, app in state["apps"].items():
        if app["appKey"] == "com.example.timesheets" and app["hosting"] == hosting:
            return str(app_id)
    raise AssertionError(f"no {hosting} app software")


def listings(state: dict[str, Any], hosting: str = "datacenter") -> dict[Any, Any]:
    for app in state["apps"].values():
        if app["appKey"] == "com.example.timesheets" and app["hosting"] == hosting:
            return dict(app["listings"])
    raise AssertionError(f"no {hosting} app software")


def conforms(text: str, name: str) -> None:
    """`text` is one JSON document valid against publisher/report/schemas/<name>.json."""
    from jsonschema import Draft202012Validator, FormatChecker

    from publisher.report.document import schema

    validator = Draft202012Validator(schema(name), format_checker=FormatChecker())
    found = json.loads(text)
    problems = [
        f"/{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(found)
    ]
    assert not problems, "\n".join(problems)
