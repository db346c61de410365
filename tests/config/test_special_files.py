"""A FIFO, a device or a directory named as a file (issue #22): a located error at once, never a
hang. Only regular files are read, and they are opened so that a FIFO can never block."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from publisher.cli import main
from publisher.files.regular import UnusableFile, open_regular

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(EXAMPLES, tmp_path / "app")
    (tmp_path / "app" / ".git").mkdir()
    return tmp_path / "app"


def replace_with_fifo(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)


def line_of(config: Path, needle: str) -> int:
    return next(n for n, line in enumerate(config.read_text().splitlines(), 1) if needle in line)


def run_validate(project: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    code = main(["validate", str(project / "release.yml"), *extra], env={"NO_COLOR": "1"})
    return code, capsys.readouterr().out


@pytest.mark.timeout(30)  # the old code blocked forever reading the FIFO
def test_fifo_as_notes_file_is_a_located_error_not_a_hang(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    replace_with_fifo(project / "CHANGELOG.md")
    code, out = run_validate(project, capsys)
    line = line_of(project / "release.yml", "notes_file:")
    assert code == 3, out
    assert f"release.yml:{line}:" in out
    assert "release.notes_file: 'CHANGELOG.md' is a named pipe (FIFO), not a regular file" in out


@pytest.mark.timeout(30)
@pytest.mark.parametrize(
    ("file", "key"),
    [("docs/img/hero.png", "listing.hero"), ("target/timesheets-2.4.0.jar", "artifact")],
)
def test_fifo_as_image_or_artifact_is_a_located_error(
    project: Path, capsys: pytest.CaptureFixture[str], file: str, key: str
) -> None:
    replace_with_fifo(project / file)
    code, out = run_validate(project, capsys)
    assert code == 3, out
    line = line_of(project / "release.yml", file)
    assert f"release.yml:{line}:" in out
    assert f"{key}: '{file}' is a named pipe (FIFO), not a regular file" in out


def test_directory_as_image_is_a_located_error(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "docs/img/hero.png").unlink()
    (project / "docs/img/hero.png").mkdir()
    code, out = run_validate(project, capsys)
    assert code == 3, out
    assert "listing.hero: 'docs/img/hero.png' is a directory, not a regular file" in out


@pytest.mark.timeout(30)
def test_device_as_artifact_is_a_located_error(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    jar = project / "target/timesheets-2.4.0.jar"
    jar.unlink()
    jar.symlink_to("/dev/zero")
    code, out = run_validate(project, capsys, "--allow-outside-workspace")
    assert code == 3, out
    assert "is a character device, not a regular file" in out


@pytest.mark.timeout(30)
def test_a_fifo_swapped_in_between_the_check_and_the_open_never_blocks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    regular = tmp_path / "regular"
    regular.write_bytes(b"x")
    path = tmp_path / "f"
    os.mkfifo(path)
    real_stat = os.stat
    # The swap happens right after the type check: the check still sees the regular file.
    monkeypatch.setattr(os, "stat", lambda p, *a, **k: real_stat(regular if p == path else p))
    with pytest.raises(UnusableFile, match="named pipe"):
        open_regular(path)  # without O_NONBLOCK this open waits for a writer forever
    assert stat.S_ISFIFO(real_stat(path).st_mode)


@pytest.mark.timeout(30)  # the old code read /dev/zero until memory ran out
def test_an_endless_release_file_is_read_only_up_to_its_limit(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["validate", "/dev/zero"], env={"NO_COLOR": "1"})
    out = capsys.readouterr().out
    assert code == 3, out
    assert "/dev/zero:1:1: error: /dev/zero is larger than 1 MB" in out


def test_a_changelog_over_5_mb_is_refused_not_cut_mid_character(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    changelog = project / "CHANGELOG.md"
    head = changelog.read_bytes()
    changelog.write_bytes(head + b"\n## 0.1.0\n" + "é".encode() * 2_600_000)  # 5.2 MB, valid UTF-8
    code, out = run_validate(project, capsys)
    assert code == 3, out
    assert "release.notes_file: 'CHANGELOG.md' is larger than 5 MB" in out
    assert "not UTF-8" not in out
