"""Without a .git above release.yml the workspace is release.yml's own folder; a file beside that
folder is then "outside the workspace", which surprises someone who copied a project without its
.git (a CI artifact, a tarball). The error says why the workspace is that folder and how to name
another (--workspace), at the line of the path."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _validate(project: Path, *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "publisher", "validate", *options, "release.yml"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"PATH": "/usr/bin:/bin", "HOME": str(project)},
    )


def _project(tmp: Path) -> Path:
    project = tmp / "repo" / "app"
    shutil.copytree(ROOT / "examples", project, ignore=shutil.ignore_patterns(".github", ".git*"))
    (project / "CHANGELOG.md").rename(tmp / "repo" / "CHANGELOG.md")
    release = (project / "release.yml").read_text()
    (project / "release.yml").write_text(release.replace("CHANGELOG.md", "../CHANGELOG.md"))
    return project


def test_without_a_git_folder_the_error_says_why_and_suggests_workspace(tmp_path: Path) -> None:
    done = _validate(_project(tmp_path))
    out = done.stdout + done.stderr
    assert done.returncode == 3, out
    (line,) = [x for x in out.splitlines() if "leaves the workspace" in x]
    assert line.startswith("release.yml:23:")
    assert "no .git in it or above it" in line and "--workspace" in line, line
    assert "Traceback" not in out


def test_with_workspace_given_the_same_release_is_valid(tmp_path: Path) -> None:
    project = _project(tmp_path)
    done = _validate(project, "--workspace", str(tmp_path / "repo"))
    assert done.returncode == 0, done.stdout + done.stderr
