"""Whether a live document already says what release.yml says, robust to a normalising server.

Marketplace may answer a GET with more than was sent (defaults such as `bonTermsSupported:
false`, empty lists, nulls) and with text trimmed. Diffing the raw answer against the request
would plan a PUT on every run, so both sides are compared only on what release.yml sets, with
nulls and empties dropped and surrounding whitespace ignored.
"""

from __future__ import annotations

from typing import Any

import jsonpatch

_EMPTY: tuple[Any, ...] = (None, "", [], {})


def normalised(value: Any) -> Any:
    """Strings trimmed; in objects, keys whose value is null or empty dropped (recursively)."""
    if isinstance(value, str):
        return value.strip()
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
