"""Release notes from a Markdown changelog: the section whose heading names the version."""

from __future__ import annotations

import re

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_VERSIONISH = re.compile(r"v?(\d+(?:\.[0-9A-Za-z-]+)+)")


class ChangelogError(Exception):
    """The changelog has no usable section for the version; the message says what was found."""


def section_for(text: str, version: str) -> str:
    """The body of the section for `version`, without its heading; raise ChangelogError."""
    lines = text.splitlines()
    token = re.compile(r"(?<![\w.])v?" + re.escape(version) + r"(?!\.?[\w-])")
    for index, line in enumerate(lines):
        match = _HEADING.match(line)
        if match and token.search(match.group(2)):
            level = len(match.group(1))
            body = _until_next_heading(lines[index + 1 :], level)
            if body.strip():
                return body.strip("\n") + "\n"
            raise ChangelogError(f"has an empty section for version {version} (line {index + 1})")
    found = _versions(lines)
    shown = ", ".join(found[:8]) if found else "none"
    raise ChangelogError(
        f"has no section for version {version} (looked for a heading such as "
        f"'## [{version}]' or '## {version}'); versions found: {shown}"
    )


def _until_next_heading(lines: list[str], level: int) -> str:
    taken: list[str] = []
    for line in lines:
        match = _HEADING.match(line)
        if match and len(match.group(1)) <= level:
            break
        taken.append(line)
    return "\n".join(taken)


def _versions(lines: list[str]) -> list[str]:
    found = []
    for line in lines:
        match = _HEADING.match(line)
        if match:
            version = _VERSIONISH.search(match.group(2))
            if version:
                found.append(version.group(1))
    return found
