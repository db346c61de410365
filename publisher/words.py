"""Phrases shared by messages: sizes ("1.3 kB"), counted nouns ("1 operation", "5 operations")
and what a JSON Patch that only swaps image ids is ("; all of them only image ids ...")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count} {word if count == 1 else (many or word + 's')}"


def is_image_path(pointer: str) -> bool:
    """A JSON Patch path that points at an image id (or a whole image slot)."""
    parts = pointer.strip("/").split("/")
    return parts[0] == "heroImage" or parts[-1] in ("imageId", "thumbnail")


def image_swaps(patch: tuple[Mapping[str, Any], ...]) -> str:
    """ ", 3 of them only image ids" for a patch that replaces image ids, else ""."""
    swaps = sum(
        1 for op in patch if op.get("op") == "replace" and is_image_path(str(op.get("path")))
    )
    if not swaps:
        return ""
    them = "it" if len(patch) == 1 else ("all of them" if swaps == len(patch) else f"{swaps}")
    return (
        f"; {them} only image ids (images uploaded again: new ids, the pictures are not compared)"
    )


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{size} B"
