"""Each file under broken/ holds one mistake; its trailing comments say what validate prints."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from publisher.cli import main

BROKEN = Path(__file__).parent / "broken"
CASES = sorted(BROKEN.glob("*.yml"))


def expectations(case: Path) -> tuple[list[str], int]:
    text = case.read_text()
    expects = re.findall(r"^# expect: (.*)$", text, re.MULTILINE)
    exit_code = int(re.search(r"^# exit: (\d+)$", text, re.MULTILINE).group(1))  # type: ignore[union-attr]
    return expects, exit_code


def test_there_are_at_least_twenty_distinct_mistakes() -> None:
    assert len(CASES) >= 20
    assert all(expectations(case)[0] for case in CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_broken_file_is_reported_at_its_line(
    case: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(BROKEN)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    expects, exit_code = expectations(case)
    code = main(["validate", case.name], env={"NO_COLOR": "1"})
    out = capsys.readouterr().out
    assert code == exit_code, out
    for expect in expects:
        if re.match(r"^\d+:\d+: ", expect):
            assert f"{case.name}:{expect}" in out, out
        else:
            assert expect in out, out
    assert "Traceback" not in out
    assert re.search(r"✗ .*: \d+ errors?", out), out
