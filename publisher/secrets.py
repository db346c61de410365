"""Keeping credentials out of every output: the values to mask, and one redactor for text and data.

A secret can reach an output raw or in an escaped form (JSON, URL-encoded, base64 of
`user:token`, GitHub's `%25`/`%0A` command escaping), so every form is masked. Data is redacted
before it is serialised (`Redactor.scrub`), and the serialised text once more as a safety net.
URL userinfo (`https://user:password@host`) is masked wherever it appears in text.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote, quote_plus

MASK = "***"
MIN_SECRET = 4  # shorter strings would mask ordinary words

# Patterns as text, compiled by re on first use: a validate seldom needs them (issue #24).
_EMAIL = r"[^@\s:]+@[^@\s:]+\.[^@\s:]+"
# scheme://netloc: the userinfo is everything in netloc up to its last "@"
_URL_NETLOC = r"(?i)\b([a-z][a-z0-9+.\-]*://)([^/?#\s\"'<>`]*)"


def looks_like_email(value: str) -> bool:
    return re.fullmatch(_EMAIL, value.strip()) is not None


def escaped_forms(value: str) -> set[str]:
    """`value` as it appears after each escaping an output may apply."""
    github = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return {
        value,
        json.dumps(value)[1:-1],
        json.dumps(value, ensure_ascii=False)[1:-1],
        quote(value, safe=""),
        quote_plus(value, safe=""),
        github,
        github.replace(":", "%3A").replace(",", "%2C"),  # in a command's properties
    }


def secret_forms(user: str | None, token: str | None) -> list[str]:
    """The token, `user:token`, its base64, and every escaped form of them; longest first.

    The account is masked too when it does not look like an email address: a value there that
    is not an email is most likely the token, with MPAC_USER and MPAC_TOKEN swapped.
    """
    user = (user or "").strip()
    token = (token or "").strip()
    raw: set[str] = set()
    if token:
        raw.add(token)
        if user:
            pair = f"{user}:{token}"
            encoded = base64.b64encode(pair.encode("utf-8", "replace")).decode()
            raw |= {pair, encoded, f"Basic {encoded}"}
    if user and not looks_like_email(user):
        raw.add(user)
    forms = {form for value in raw for form in escaped_forms(value)}
    return sorted((f for f in forms if len(f) >= MIN_SECRET), key=len, reverse=True)


def mask_userinfo(text: str) -> str:
    """`https://user:pass@host/x` -> `https://***@host/x`, wherever a URL appears in text."""

    def replace(match: re.Match[str]) -> str:
        netloc = match.group(2)
        if "@" not in netloc:
            return match.group(0)
        return f"{match.group(1)}{MASK}@{netloc.rpartition('@')[2]}"

    return re.sub(_URL_NETLOC, replace, text) if "@" in text else text


class Redactor:
    """Replaces every secret form with ***; longest first, so no fragment survives."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets: list[str] = []
        self.add(secrets)

    def add(self, secrets: Iterable[str]) -> None:
        merged = set(self._secrets) | {s for s in secrets if s and len(s) >= MIN_SECRET}
        self._secrets = sorted(merged, key=len, reverse=True)

    @property
    def secrets(self) -> tuple[str, ...]:
        return tuple(self._secrets)

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, MASK)
        return mask_userinfo(text)

    def scrub(self, value: Any) -> Any:
        """The same value with every string in it redacted: dataclasses, dicts, lists, tuples."""
        return map_strings(value, self)


def map_strings(value: Any, change: Callable[[str], str]) -> Any:
    """A copy of `value` (dataclasses, dicts, lists, tuples) with `change` applied to each str."""
    if isinstance(value, str):
        return change(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: map_strings(getattr(value, f.name), change)
            for f in dataclasses.fields(value)
            if f.init
        }
        return dataclasses.replace(value, **changes)
    if isinstance(value, dict):
        return {map_strings(k, change): map_strings(v, change) for k, v in value.items()}
    if isinstance(value, list | tuple):
        items = [map_strings(item, change) for item in value]
        return items if isinstance(value, list) else tuple(items)
    return value
