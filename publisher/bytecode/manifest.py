"""A jar's META-INF/MANIFEST.MF and the OSGi headers in it: Export-Package and Import-Package
clauses, their versions and version ranges (OSGi Core, 3.2.6 and 3.2.7)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_VERSION = re.compile(r"^(\d+)(?:\.(\d+)(?:\.(\d+)(?:\.([\w-]+))?)?)?$")

Version = tuple[int, int, int, str]
ZERO: Version = (0, 0, 0, "")


def headers(raw: bytes) -> dict[str, str]:
    """The main section's headers; a line that starts with a space continues the previous one."""
    text = raw.decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n")
    found: dict[str, str] = {}
    last = None
    for line in text.split("\n"):
        if not line:
            if found:
                break  # the main section ends at the first blank line
            continue
        if line.startswith(" ") and last is not None:
            found[last] += line[1:]
        elif ":" in line:
            last, _, value = line.partition(":")
            found[last] = value.strip()
    return found


@dataclass(frozen=True)
class Clause:
    package: str
    attributes: dict[str, str]  # version=..., and directives with ":=" (resolution:=optional)


def clauses(header: str) -> list[Clause]:
    """`a.b;c.d;version="[1,2)",e.f` -> one Clause per package, parameters shared as written."""
    found = []
    for part in _split(header, ","):
        pieces = _split(part, ";")
        names = [p.strip() for p in pieces if p.strip() and "=" not in p]
        attributes = {}
        for p in pieces:
            if "=" in p:
                key, _, value = p.partition("=")
                attributes[key.strip().rstrip(":")] = value.strip().strip('"')
        found += [Clause(name, attributes) for name in names]
    return found


def _split(text: str, separator: str) -> list[str]:
    """Split outside double quotes (a version range holds a comma)."""
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        if char == separator and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def version(text: str) -> Version | None:
    match = _VERSION.match(text.strip())
    if not match:
        return None
    major, minor, micro, qualifier = match.groups()
    return (int(major), int(minor or 0), int(micro or 0), qualifier or "")


@dataclass(frozen=True)
class Range:
    """An OSGi version range; a bare version means "at least"."""

    low: Version
    low_inclusive: bool = True
    high: Version | None = None
    high_inclusive: bool = False

    def __contains__(self, found: object) -> bool:
        if not isinstance(found, tuple):
            return False
        above = found >= self.low if self.low_inclusive else found > self.low
        if self.high is None:
            return above
        below = found <= self.high if self.high_inclusive else found < self.high
        return above and below


def version_range(text: str | None) -> Range | None:
    """None when the text is no range OSGi would accept."""
    if not text:
        return Range(ZERO)
    text = text.strip()
    if text[:1] in "[(" and text[-1:] in "])":
        low_text, comma, high_text = text[1:-1].partition(",")
        low, high = version(low_text), version(high_text)
        if not comma or low is None or high is None:
            return None
        return Range(low, text[0] == "[", high, text[-1] == "]")
    low = version(text)
    return None if low is None else Range(low)
