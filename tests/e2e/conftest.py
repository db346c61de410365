"""End-to-end fixtures: a sandbox Marketplace on loopback, a workspace with a release, and the
real CLI run in-process against it."""

from __future__ import annotations

import contextlib
import io
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from publisher.cli import main
from publisher.sandbox import Sandbox, SandboxSettings

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
        return Run(code, out.getvalue(), err.getvalue())

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


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    settings = SandboxSettings(upload_spacing=SPACING)
    with Sandbox(settings=settings, port=0) as server:
        yield server


@pytest.fixture
def release(tmp_path: Path) -> Release:
    return Release(tmp_path / "repo")


@pytest.fixture
def publisher(sandbox: Sandbox, release: Release, tmp_path: Path) -> Publisher:
    return Publisher(sandbox, release, tmp_path / "state")


def versions(state: dict[str, Any], hosting: str = "datacenter") -> dict[Any, Any]:
    for app in state["apps"].values():
        if app["appKey"] == "com.example.timesheets" and app["hosting"] == hosting:
            return dict(app["versions"])
    raise AssertionError(f"no {hosting} app software")


def listings(state: dict[str, Any], hosting: str = "datacenter") -> dict[Any, Any]:
    for app in state["apps"].values():
        if app["appKey"] == "com.example.timesheets" and app["hosting"] == hosting:
            return dict(app["listings"])
    raise AssertionError(f"no {hosting} app software")
