"""How long an error answer (a 429, a 503) asks us to wait: its Retry-After header, in seconds
or as an HTTP date (measured against the answer's own Date when it has one, so a skewed local
clock does not count)."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import requests


def retry_after_seconds(response: requests.Response) -> float | None:
    """The wait the answer asks for; None when it names none, or one that cannot be read."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        seconds = float(value)
        return max(0.0, seconds) if math.isfinite(seconds) else None
    except ValueError:
        pass
    when = _http_date(value)
    if when is None:
        return None
    now = _http_date(response.headers.get("Date", "")) or datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())


def _http_date(value: str) -> datetime | None:
    """An HTTP date, always aware: a `-0000` zone or none at all means UTC (RFC 9110)."""
    try:
        parsed = parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed is None:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
