"""A changelog section over 1 MB is refused by `validate` at its release.yml line (issue #24): the
renderer costs about a second per MB, and no real changelog section comes near that size.
(Notes written inline are bounded already: release.yml itself is at most 1 MB.)"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from publisher.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
BULLET = "- Export to **CSV** from the [report page](https://example.com/docs/report).\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(EXAMPLES, tmp_path / "app")
    (tmp_path / "app" / ".git").mkdir()
    return tmp_path / "app"


def line_of(config: Path, needle: str) -> int:
    return next(n for n, line in enumerate(config.read_text().splitlines(), 1) if needle in line)


def validate(project: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["validate", str(project / "release.yml")], env={"NO_COLOR": "1"})
    return code, capsys.readouterr().out


def changelog_with_section(project: Path, size: int) -> None:
    body = BULLET * (size // len(BULLET) + 1)
    text = f"# Changelog\n\n## [2.4.0] - 2026-11-20\n\n{body}\n## [2.3.1]\n\n- older\n"
    (project / "CHANGELOG.md").write_text(text)


def test_a_changelog_section_over_1_mb_is_refused_at_notes_file(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    changelog_with_section(project, 1_200_000)  # a 1.2 MB section in a 1.2 MB file (under 5 MB)
    code, out = validate(project, capsys)
    assert code == 3, out
    line = line_of(project / "release.yml", "notes_file:")
    assert f"release.yml:{line}:" in out, out
    assert (
        "release.notes_file: 'CHANGELOG.md': the section for version 2.4.0 is 1.2 MB; "
        "release notes are limited to 1 MB" in out
    ), out
    assert "Traceback" not in out


def test_a_section_just_under_1_mb_is_accepted(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    changelog_with_section(project, 990_000)
    code, out = validate(project, capsys)
    assert code == 0, out
