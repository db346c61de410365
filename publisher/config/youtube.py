"""listing.youtube -> the video id Marketplace stores (youtubeId), from an id or a YouTube URL.

The schema's pattern already admits only an id or a URL of youtube.com / youtu.be that carries
one; this picks the id out, so a link pasted from the browser works as it is.
"""

from __future__ import annotations

import re

_ID = r"[A-Za-z0-9_-]{11}"
_URL = re.compile(
    r"https://(?:(?:www|m)\.)?(?:youtube\.com/(?:watch\?(?:[^#]*&)?v=|embed/|shorts/|live/)"
    rf"|youtu\.be/)(?P<id>{_ID})(?:[?&#].*)?"
)


def youtube_id(value: str | None) -> str | None:
    """The 11-character id in `value` (an id, or a URL the schema admits); None stays None."""
    if value is None:
        return None
    found = _URL.fullmatch(value)
    return found["id"] if found else value
