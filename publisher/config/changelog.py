"""Release notes from a Markdown changelog: the section whose heading names the version.

Headings are parsed by hand, not with a regex: a backtracking pattern took 95 s on one heading
with 5000 spaces (issue #18). Every step here is linear in the length of the line.
"""

from __future__ import annotations

import re

# Patterns as text, compiled by re on first use: not every run reads a changelog (issue #24).
# (?<!\d): a run of digits is tried from its first digit only (quadratic otherwise).
_VERSIONISH = r"v?(?<!\d)(\d+(?:\.[0-9A-Za-z-]+)+)"


class ChangelogError(Exception):
    """The changelog has no usable section for the version; the message says what was found."""


def heading(line: str) -> tuple[int, str] | None:
    """(level, text) of an ATX heading such as `## [2.4.0] - 2026-11-20 ##`, else None."""
    level = len(line) - len(line.lstrip("#"))
    if not 1 <= level <= 6:
        return None
    rest = line[level:]
    if not rest[:1].isspace():
        return None
    return level, rest.strip().rstrip("#").rstrip()


# A development build's qualifier (2.5.0-SNAPSHOT, 2.5.0-rc.1): its notes are those of the release.
_QUALIFIED = r"(\d+(?:\.\d+)+)-[0-9A-Za-z][0-9A-Za-z.-]*"


def section_for(text: str, version: str) -> str:
    """The body of the section for `version`, without its heading; raise ChangelogError.

    A qualified version without a section of its own takes its release's: a pull request's plan
    of 2.5.0-SNAPSHOT shows the notes written under `## [2.5.0]`.
    """
    try:
        return _section(text, version)
    except ChangelogError as missing:
        qualified = re.fullmatch(_QUALIFIED, version)
        if qualified is None:
            raise
        try:
            return _section(text, qualified[1])
        except ChangelogError:
            raise ChangelogError(f"{missing} (nor for {qualified[1]}, its release)") from None


def _section(text: str, version: str) -> str:
    lines = text.splitlines()
    token = re.compile(r"(?<![\w.])v?" + re.escape(version) + r"(?!\.?[\w-])")
    for index, line in enumerate(lines):
        found = heading(line)
        if found and token.search(found[1]):
            body = _until_next_heading(lines[index + 1 :], found[0])
            if body.strip():
                return body.strip("\n") + "\n"
            raise ChangelogError(f"has an empty section for version {version} (line {index + 1})")
    versions = _versions(lines)
    shown = ", ".join(versions[:8]) if versions else "none"
    raise ChangelogError(
        f"has no section for version {version} (looked for a heading such as "
        f"'## [{version}]' or '## {version}'); versions found: {shown}"
    )


def _until_next_heading(lines: list[str], level: int) -> str:
    taken: list[str] = []
    for line in lines:
        found = heading(line)
        if found and found[0] <= level:
            break
        taken.append(line)
    return "\n".join(taken)


def _versions(lines: list[str]) -> list[str]:
    found = []
    for line in lines:
        parsed = heading(line)
        if parsed:
            version = re.search(_VERSIONISH, parsed[1])
            if version:
                found.append(version.group(1))
    return found
