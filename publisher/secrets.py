"""Keeping the API token out of every output: the values to mask, and a redactor for text."""

from __future__ import annotations

import base64
from collections.abc import Iterable
from urllib.parse import quote

MASK = "***"


def secret_forms(user: str | None, token: str | None) -> list[str]:
    """The token and everything derived from it that could leak: email:token and its base64."""
    if not token:
        return []
    forms = [token, quote(token, safe="")]
    if user:
        pair = f"{user}:{token}"
        encoded = base64.b64encode(pair.encode()).decode()
        forms += [pair, encoded, f"Basic {encoded}", quote(pair, safe="")]
    return sorted({f for f in forms if len(f) >= 4}, key=len, reverse=True)


class Redactor:
    """Replaces every secret form with ***; longest first, so no fragment survives."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets: list[str] = []
        self.add(secrets)

    def add(self, secrets: Iterable[str]) -> None:
        merged = set(self._secrets) | {s for s in secrets if s and len(s) >= 4}
        self._secrets = sorted(merged, key=len, reverse=True)

    @property
    def secrets(self) -> tuple[str, ...]:
        return tuple(self._secrets)

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, MASK)
        return text
