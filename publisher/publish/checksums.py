"""Marketplace's artifact checksum against ours, whatever spelling it uses.

Ours is `sha512:<lowercase hex>`; Marketplace may write `sha512:`, `SHA512=`, or bare hex, in
either case. Another algorithm, or none, cannot be compared: the caller warns and relies on the
plugin key and version Marketplace read from the artifact instead.
"""

from __future__ import annotations

import re

_SHA512 = re.compile(r"^(?:sha-?512\s*[:=]\s*)?([0-9a-f]{128})$", re.IGNORECASE)


def sha512_hex(checksum: str | None) -> str | None:
    """The lowercase hex digest of a sha512 checksum in any spelling; None if it is not one."""
    found = _SHA512.match((checksum or "").strip())
    return found.group(1).lower() if found else None


def same_sha512(reported: str | None, ours: str) -> bool | None:
    """True or False when Marketplace reported a sha512; None when it reported none we can read."""
    theirs = sha512_hex(reported)
    return None if theirs is None else theirs == sha512_hex(ours)
