"""Counted nouns in messages: "1 operation", "5 operations", "1 image has", "3 images have"."""

from __future__ import annotations


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count} {word if count == 1 else (many or word + 's')}"
