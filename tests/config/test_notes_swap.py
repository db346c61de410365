"""The release notes are sent to Marketplace, so they are read from the file that was checked
(issue #23): a notes_file symlink swapped right after the workspace check is refused."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from publisher.config import load_release
from publisher.files import regular

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_notes_file_swapped_after_its_check_never_reads_the_outside_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "app"
    shutil.copytree(EXAMPLES, project)
    (project / ".git").mkdir()
    (project / "CHANGELOG.md").rename(project / "real-changelog.md")
    notes = project / "CHANGELOG.md"
    notes.symlink_to(project / "real-changelog.md")
    outside = tmp_path / "secret.md"
    outside.write_text("## 2.4.0\n- SECRET-FROM-OUTSIDE\n")
    real_check = regular.check

    def check_then_swap(path: Path, workspace: Path | None) -> regular.CheckedFile:
        checked = real_check(path, workspace)
        if path == notes:  # the race: the link changes right after the workspace check
            notes.unlink()
            notes.symlink_to(outside)
        return checked

    monkeypatch.setattr(regular, "check", check_then_swap)
    result = load_release(project / "release.yml", env={})
    rendered = [d.render() for d in result.diagnostics]
    assert result.release is None, rendered
    assert any("outside the workspace" in r and "notes_file" in r for r in rendered), rendered
    assert "SECRET-FROM-OUTSIDE" not in "".join(rendered)
