"""Whether what is live already says what we say: documents and artifact checksums, robust to a
normalising server.

Marketplace may answer a GET with more than was sent (defaults such as `bonTermsSupported:
false`, empty lists, nulls) and with text trimmed. Diffing the raw answer against the request
would plan a PUT on every run, so both sides are compared only on what release.yml sets, with
nulls and empties dropped, surrounding whitespace ignored and line endings read as LF. Text with
CR or CRLF (a `"\r\n"` escape, a `${VAR}` set on Windows) is also sent with LF (`lf_text`), so
a server that stores LF answers exactly what was sent.

Checksums: ours is `sha512:<lowercase hex>`; Marketplace may write `sha512:`, `SHA512=`, or bare
hex, in either case. Another algorithm, or none, cannot be compared: the caller warns and relies
on the plugin key and version Marketplace read from the artifact instead.
"""

from __future__ import annotations

import re
from typing import Any, TypeVar, cast

import jsonpatch

_EMPTY: tuple[Any, ...] = (None, "", [], {})
T = TypeVar("T")


def lf_text(value: T) -> T:
    """`value` with every string's CRLF and lone CR turned into LF (recursively)."""
    if isinstance(value, str):
        return cast(T, value.replace("\r\n", "\n").replace("\r", "\n"))
    if isinstance(value, list):
        return cast(T, [lf_text(v) for v in value])
    if isinstance(value, dict):
        return cast(T, {k: lf_text(v) for k, v in value.items()})
    return value


def normalised(value: Any) -> Any:
    """Strings trimmed with LF line endings; in objects, keys whose value is null or empty
    dropped (recursively)."""
    if isinstance(value, str):
        return lf_text(value).strip()
    if isinstance(value, list):
        return [normalised(v) for v in value]
    if isinstance(value, dict):
        kept = {k: normalised(v) for k, v in value.items()}
        return {k: v for k, v in kept.items() if not any(v == e for e in _EMPTY)}
    return value


def projected(live: Any, shape: Any) -> Any:
    """`live` cut down to the keys `shape` has, object by object and item by item."""
    if isinstance(live, dict) and isinstance(shape, dict):
        return {k: projected(live[k], shape[k]) for k in shape if k in live}
    if isinstance(live, list) and isinstance(shape, list) and len(live) == len(shape):
        return [projected(a, b) for a, b in zip(live, shape, strict=True)]
    return live


def settled_patch(live: dict[str, Any], wanted: dict[str, Any]) -> list[dict[str, Any]]:
    """The JSON Patch that takes `live` to `wanted`, counting only what `wanted` sets."""
    target = normalised(wanted)
    patch: list[dict[str, Any]] = jsonpatch.make_patch(
        normalised(projected(live, target)), target
    ).patch
    return patch


_SHA512 = re.compile(r"^(?:sha-?512\s*[:=]\s*)?([0-9a-f]{128})$", re.IGNORECASE)


def sha512_hex(checksum: str | None) -> str | None:
    """The lowercase hex digest of a sha512 checksum in any spelling; None if it is not one."""
    found = _SHA512.match((checksum or "").strip())
    return found.group(1).lower() if found else None


def same_sha512(reported: str | None, ours: str) -> bool | None:
    """True or False when Marketplace reported a sha512; None when it reported none we can read."""
    theirs = sha512_hex(reported)
    return None if theirs is None else theirs == sha512_hex(ours)
