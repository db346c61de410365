"""release.yml text is published: credential variables cannot be interpolated into it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from publisher.cli import main
from publisher.config import load_release
from publisher.config.interpolate import is_credential_variable

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
TOKEN = "ATATT3xFfGF0-credential-never-published"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(EXAMPLES, tmp_path / "app")
    (tmp_path / "app" / ".git").mkdir()
    return tmp_path / "app"


def _edit(project: Path, old: str, new: str) -> Path:
    path = project / "release.yml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    return path


def _line_of(path: Path, needle: str) -> tuple[int, int]:
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if needle in line:
            return number, line.index(needle) + 1
    raise AssertionError(needle)


@pytest.mark.parametrize(
    "name",
    ["MPAC_TOKEN", "MPAC_USER", "GITHUB_TOKEN", "NPM_PASSWORD", "DB_SECRET", "AWS_SECRET_KEY"],
)
def test_a_credential_variable_in_release_yml_is_refused_at_its_reference(
    project: Path, name: str
) -> None:
    path = _edit(project, "summary: Faster timesheet export", f'summary: "Now ${{{name}}} faster"')
    result = load_release(path, env={name: TOKEN, "MPAC_USER": TOKEN, "MPAC_TOKEN": TOKEN})
    assert not result.ok and result.release is None
    refused = [d for d in result.diagnostics if "credential" in d.message]
    assert len(refused) == 1, [d.render() for d in result.diagnostics]
    line, column = _line_of(path, f"${{{name}}}")
    assert refused[0].location is not None
    assert (refused[0].location.line, refused[0].location.column) == (line, column)
    assert all(TOKEN not in d.render() for d in result.diagnostics)


def test_a_credential_in_a_multi_line_block_is_located_on_its_own_line(project: Path) -> None:
    path = _edit(
        project,
        "summary: Faster timesheet export",
        "summary: Faster\n  notes: |\n    - first\n    - token ${MPAC_TOKEN:-none} here",
    )
    path.write_text(path.read_text().replace("  notes_file: CHANGELOG.md\n", "", 1))
    result = load_release(path, env={"MPAC_TOKEN": TOKEN})
    refused = [d for d in result.diagnostics if "credential" in d.message]
    assert len(refused) == 1 and refused[0].location is not None
    assert refused[0].location.line == _line_of(path, "${MPAC_TOKEN")[0]


def test_publishing_with_an_interpolated_token_exits_3_and_never_prints_it(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _edit(project, "summary: Faster timesheet export", "summary: ${MPAC_TOKEN}")
    env = {"MPAC_USER": "dev@example.com", "MPAC_TOKEN": TOKEN, "NO_COLOR": "1"}
    code = main(["plan", "--json", str(path)], env)
    out, err = capsys.readouterr()
    assert code == 3
    document = json.loads(out)
    assert document["exit_code"] == 3
    line, _ = _line_of(path, "${MPAC_TOKEN}")
    assert any(d["location"]["line"] == line for d in document["diagnostics"]), document
    assert TOKEN not in out + err


@pytest.mark.parametrize("name", ["VERSION", "BUILD_NUMBER", "APP_KEY", "TOKENIZER_MODE"])
def test_ordinary_variables_are_not_taken_for_credentials(name: str) -> None:
    assert not is_credential_variable(name)


def test_a_published_link_carrying_credentials_is_refused_at_its_line(project: Path) -> None:
    path = _edit(
        project,
        "documentation: https://example.com/timesheets/docs",
        "documentation: https://wiki:link-password@example.com/timesheets/docs",
    )
    result = load_release(path, env={})
    refused = [d for d in result.diagnostics if "credentials" in d.message]
    assert len(refused) == 1 and refused[0].location is not None
    assert refused[0].location.line == _line_of(path, "link-password")[0]
    assert "link-password" not in refused[0].render()


def test_a_credential_pasted_into_release_yml_is_refused_without_echoing_it(
    project: Path,
) -> None:
    path = _edit(project, "summary: Faster timesheet export", f"summary: Faster {TOKEN}")
    env = {"MPAC_USER": "dev@example.com", "MPAC_TOKEN": TOKEN, "CI_FLAG_TOKEN": "true"}
    result = load_release(path, env=env)
    refused = [d for d in result.diagnostics if "MPAC_TOKEN" in d.message]
    assert len(refused) == 1 and refused[0].location is not None
    assert refused[0].location.line == _line_of(path, TOKEN)[0]
    assert all(TOKEN not in d.render() for d in result.diagnostics)
    clean = load_release(_edit(project, f"Faster {TOKEN}", "Faster"), env=env)
    assert clean.ok, [d.render() for d in clean.diagnostics]
