"""A pull request's plan, as the CI examples run it: the README's release.yml (`version:
"${VERSION}"`, `build: ${BUILD}`), VERSION the build's own version (a Maven SNAPSHOT jar), BUILD
by the README's formula, and a changelog whose section is headed by the release (`## [2.5.0]`).
The plan is green and shows the notes it would send; a changelog with neither says so."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOT = "2.5.0-SNAPSHOT"


def _snapshot_project(tmp: Path) -> Path:
    project = tmp / "vendor-app"
    shutil.copytree(ROOT / "examples", project, ignore=shutil.ignore_patterns(".github", ".git*"))
    (project / ".git").mkdir()  # the workspace root, as in a checkout
    release = (project / "release.yml").read_text()
    release = release.replace('version: "2.4.0"', 'version: "${VERSION}"')
    release = release.replace("build: 2004000", "build: ${BUILD}")
    release = release.replace("target/timesheets-2.4.0.jar", "target/timesheets-${VERSION}.jar")
    (project / "release.yml").write_text(release)
    with zipfile.ZipFile(ROOT / "examples" / "target" / "timesheets-2.4.0.jar") as built:
        entries = {name: built.read(name) for name in built.namelist()}
    entries["atlassian-plugin.xml"] = entries["atlassian-plugin.xml"].replace(
        b"<version>2.4.0</version>", f"<version>{SNAPSHOT}</version>".encode()
    )
    with zipfile.ZipFile(project / "target" / f"timesheets-{SNAPSHOT}.jar", "w") as jar:
        for name, data in entries.items():
            jar.writestr(name, data)
    changelog = project / "CHANGELOG.md"
    changelog.write_text(
        changelog.read_text().replace(
            "## [2.4.0]", "## [2.5.0] - unreleased\n\n- Approvals by email.\n\n## [2.4.0]", 1
        )
    )
    return project


def _plan(project: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MPAC_", "GITHUB_"))}
    return subprocess.run(
        [sys.executable, "-m", "publisher", "plan", "release.yml"],
        cwd=project,
        env={**env, "VERSION": SNAPSHOT, "BUILD": "2005000", "MPAC_STATE_DIR": str(project / "s")},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_snapshot_build_plans_green_with_its_releases_notes(tmp_path: Path) -> None:
    done = _plan(_snapshot_project(tmp_path))
    log = done.stdout + done.stderr
    assert done.returncode == 0, log
    assert f"{SNAPSHOT} (build 2005000): planned" in log
    assert "Approvals by email." in log  # the notes of ## [2.5.0]


def test_a_snapshot_without_a_section_for_it_or_its_release_names_both(tmp_path: Path) -> None:
    project = _snapshot_project(tmp_path)
    changelog = project / "CHANGELOG.md"
    changelog.write_text(changelog.read_text().replace("## [2.5.0] - unreleased", "## [2.6.0]"))
    done = _plan(project)
    assert done.returncode == 3, done.stdout + done.stderr
    assert "no section for version 2.5.0-SNAPSHOT" in done.stdout + done.stderr
    assert "(nor for 2.5.0, its release)" in done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
