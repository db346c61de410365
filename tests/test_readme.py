"""The README stays true: its reference table is the schema's, its first commands work."""

from __future__ import annotations

import re
from pathlib import Path

from publisher.cli import main
from publisher.config.reference import reference_markdown
from publisher.config.schema import release_schema

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_reference_table_is_generated_from_the_schema() -> None:
    found = re.search(r"<!-- reference:start -->\n(.*)<!-- reference:end -->", README, re.S)
    assert found, "README lost its reference markers"
    assert found.group(1) == reference_markdown(), "run: mpac-publisher schema --markdown"


def test_every_top_level_key_is_documented() -> None:
    for key in release_schema()["properties"]:
        assert f"| `{key}` |" in README


def test_the_first_two_commands_are_the_dry_run_and_the_tests() -> None:
    block = README.split("```bash\n", 1)[1].split("```", 1)[0]
    commands = [line for line in block.splitlines() if line and not line.startswith("#")]
    assert commands[0].endswith("mpac-publisher publish --dry-run examples/release.yml")
    assert commands[1] == "scripts/test"
    assert "scripts/test" in (ROOT / ".ci" / "run").read_text()


def test_the_dry_run_in_the_readme_succeeds_without_credentials(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    env = {"MPAC_STATE_DIR": str(tmp_path)}
    assert main(["publish", "--dry-run", str(ROOT / "examples" / "release.yml")], env) == 0
    out = capsys.readouterr().out
    assert "planned (dry run: nothing was written)" in out


def test_exit_codes_table_matches_the_code() -> None:
    """Row for row, code and meaning, in ExitCode's order: the README says what the code says."""
    from publisher.errors import ExitCode

    table = README.split("| exit code | meaning |\n|---|---|\n", 1)[1].split("\n\n", 1)[0]
    rows = [tuple(row.strip("|").split(" | ", 1)) for row in table.splitlines()]
    assert [(code.strip(), meaning.strip()) for code, meaning in rows] == [
        (str(int(code)), code.meaning) for code in ExitCode
    ]
