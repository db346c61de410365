"""What a normalising server stores and answers: trimmed text with LF line endings, blanks
dropped, defaults added.

GUESS (issue 15 #3): many services answer a GET with more than was sent (defaults such as
`bonTermsSupported: false`, empty lists) and with text trimmed. A client that diffs its request
against such an answer sees a change on every run; `readback_defaults` (on by default) makes the
sandbox answer that way so the client's tests prove it copes. Nulls are not added: the spec
declares these fields non-nullable, and every answer must stay valid against it.
"""

from __future__ import annotations

from typing import Any

from publisher.sandbox.settings import SandboxSettings

_LISTING_LISTS = ("screenshots", "highlights", "deploymentInstructions")


def _trimmed(value: Any) -> Any:
    if isinstance(value, str):  # GUESS: stored with LF line endings, as most web stores keep text
        return value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if isinstance(value, list):
        return [_trimmed(v) for v in value]
    if isinstance(value, dict):
        kept = {k: _trimmed(v) for k, v in value.items()}
        return {k: v for k, v in kept.items() if v != ""}
    return value


def version(settings: SandboxSettings, doc: dict[str, Any]) -> dict[str, Any]:
    if not settings.readback_defaults:
        return doc
    stored = _trimmed(doc)
    stored.setdefault("editionsEnabled", False)
    return dict(stored)


def listing(settings: SandboxSettings, doc: dict[str, Any]) -> dict[str, Any]:
    if not settings.readback_defaults:
        return doc
    stored = dict(_trimmed(doc))
    for key in _LISTING_LISTS:
        stored.setdefault(key, [])
    links = dict(stored.get("developerLinks") or {})
    links.setdefault("bonTermsSupported", False)
    stored["developerLinks"] = links
    return stored
