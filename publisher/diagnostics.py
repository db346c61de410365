"""Located problems: what is wrong, and where in release.yml (file, line, column)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Location:
    """A place in a file; line and column start at 1, as editors and GitHub count them."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Diagnostic:
    severity: Severity
    message: str
    location: Location | None = None
    key: str | None = None  # the release.yml key it concerns, e.g. "listing.highlights[1].title"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def render(self) -> str:
        """`release.yml:12:3: error: message`, the form editors and compilers use."""
        where = f"{self.location}: " if self.location else ""
        return f"{where}{self.severity}: {self.message}"


def error(message: str, location: Location | None = None, key: str | None = None) -> Diagnostic:
    return Diagnostic("error", message, location, key)


def warning(message: str, location: Location | None = None, key: str | None = None) -> Diagnostic:
    return Diagnostic("warning", message, location, key)


def count_summary(diagnostics: list[Diagnostic]) -> str:
    errors = sum(1 for d in diagnostics if d.is_error)
    warnings = len(diagnostics) - errors
    parts = [_plural(errors, "error")]
    if warnings:
        parts.append(_plural(warnings, "warning"))
    return ", ".join(parts)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
