"""Changelog headings are parsed in linear time (issue #18: one heading took 95 s)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from publisher.config.changelog import ChangelogError, heading, section_for

# The old pattern, kept only as the reference for what a heading is.
_REFERENCE = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


@given(st.text(alphabet="# \tav1.", max_size=14))
@settings(max_examples=400, deadline=None)
def test_heading_parser_agrees_with_the_reference_pattern(line: str) -> None:
    match = _REFERENCE.match(line)
    expected = (len(match.group(1)), match.group(2)) if match else None
    assert heading(line) == expected


HOSTILE = [
    "# a" + " " * 100_000 + "x",  # the reported shape: backtracking over the spaces
    "## 2.4.0" + " " * 100_000 + "#x",
    "# " + "1" * 100_000,  # a digit run: quadratic in the version search
    "# v" + "1." * 50_000,
]


@pytest.mark.timeout(20)  # linear: well under a second each; the old pattern needed hours
@pytest.mark.parametrize("line", HOSTILE, ids=["spaces", "spaces-hash", "digits", "dots"])
def test_hostile_heading_is_parsed_in_linear_time(line: str) -> None:
    text = f"{line}\n- body\n## 1.0.0\n- old\n"
    with pytest.raises(ChangelogError, match=r"no section for version 9\.9\.9"):
        section_for(text * 3, "9.9.9")


@pytest.mark.timeout(20)
def test_a_section_after_a_hostile_heading_is_still_found() -> None:
    text = "# a" + " " * 50_000 + "x\n## [2.4.0] - 2026-11-20\n- Faster\n## 2.3.0\n- old\n"
    assert section_for(text, "2.4.0") == "- Faster\n"
