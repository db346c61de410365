"""The order of app-software version lists: newest first, or a seeded shuffle (the default).

GUESS: the live service gives no order guarantee for these lists (marketplace-api.md, "live
observations": "take the highest buildNumber, do not trust list order"), so the sandbox's default
makes any reliance on order fail. The shuffle is a stable function of (seed, app software, build),
so a cursor walks one consistent order across pages.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from publisher.sandbox.settings import SandboxSettings


def ordered_builds(
    settings: SandboxSettings, app_software_id: str, builds: Iterable[int]
) -> list[int]:
    newest_first = sorted(builds, reverse=True)
    if settings.version_order == "newest-first":
        return newest_first

    def key(build: int) -> bytes:
        return hashlib.sha256(f"{settings.seed}/{app_software_id}/{build}".encode()).digest()

    return sorted(newest_first, key=key)
