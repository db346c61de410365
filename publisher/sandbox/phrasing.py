"""The two forms of a field error that Marketplace answers, chosen per settings.

LIVE (marketplace-api.md, "live observations"): besides the spec's `Invalid value for appName.
Cannot be longer than 60 characters`, the service answers `Invalid value for field 'uri'` and
`Invalid value for field 'supportedPaymentModel': ...`. "mixed" picks a form per message from a
seeded generator, so a run is repeatable and a client must read both.
"""

from __future__ import annotations

import random
import re
import threading
from typing import Any

_SPEC_FORM = re.compile(r"^Invalid value for ([\w.]+)\. (.*)$", re.DOTALL)


class Phrasing:
    def __init__(self, form: str, seed: int) -> None:
        self._form = form
        self._random = random.Random(seed)  # noqa: S311 - repeatable test choices, not secrets
        self._lock = threading.Lock()

    def field_form(self) -> bool:
        if self._form == "mixed":
            with self._lock:
                return self._random.random() < 0.5
        return self._form == "field"

    def rephrase(self, detail: str) -> str:
        found = _SPEC_FORM.match(detail)
        if found is None or not self.field_form():
            return detail
        return f"Invalid value for field '{found.group(1)}': {found.group(2)}"

    def apply(self, body: Any) -> Any:
        """The error body with each `detail` in the chosen form (other bodies unchanged)."""
        errors = body.get("errors") if isinstance(body, dict) else None
        if not isinstance(errors, list):
            return body
        for entry in errors:
            if isinstance(entry, dict) and isinstance(entry.get("detail"), str):
                entry["detail"] = self.rephrase(entry["detail"])
        return body
