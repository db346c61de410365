"""CommandSafeStream: a workflow command cannot be assembled across writes either."""

from __future__ import annotations

import io

import pytest

from publisher.report.workflow import CommandSafeStream


def _through(*writes: str) -> str:
    out = io.StringIO()
    stream = CommandSafeStream(out)
    for text in writes:
        stream.write(text)
    stream.release()
    return out.getvalue()


@pytest.mark.parametrize(
    "writes",
    [
        [":", ":error::x\n"],
        ["  ", "::error::x\n"],
        ["ok\n", " :", ":warning::x"],
        ["a\r", "::error::x"],
        ["line ##", "[error]x\n"],
        ["line #", "#", "[error]x\n"],
    ],
)
def test_a_command_split_across_writes_is_still_neutralised(writes: list[str]) -> None:
    text = _through(*writes)
    for line in text.replace("\r", "\n").split("\n"):
        assert not line.lstrip().startswith("::"), text
        assert "##[" not in line, text


def test_ordinary_text_passes_unchanged_and_mid_line_colons_are_kept() -> None:
    assert _through("a ", ":: b\n", "c::d\n") == "a :: b\nc::d\n"
