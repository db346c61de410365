"""Reading what is live, for the commands after a release: the app software per hosting (archived
ones set aside), its newest versions by build number (list order is not trusted), each with its
listing, and host build numbers rendered back to product versions."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

from publisher.concurrency import side_by_side
from publisher.marketplace.answers import Json
from publisher.marketplace.client import Marketplace
from publisher.marketplace.retry import RetryPolicy

APPROVAL_WORDS = {
    "UNINITIATED": "auto-approved (UNINITIATED: no review needed)",
    "APPROVED": "approved",
    "SUBMITTED": "in review",
    "REJECTED": "rejected (resubmit in the Marketplace portal)",
}


@dataclass(frozen=True)
class AppSoftware:
    hosting: str
    id: str
    archived: bool


class HostNames:
    """Host product ids and build numbers -> names and version numbers, each read once."""

    def __init__(self, client: Marketplace, policy: RetryPolicy) -> None:
        self.client = client
        self.policy = policy
        self._names: dict[str, str] | None = None
        self._numbers: dict[tuple[str, int], str | None] = {}

    def product(self, parent_id: str) -> str:
        if self._names is None:
            client = self.client
            found = self.policy.read("list host products", lambda: list(client.parent_software()))
            self._names = {str(p.get("id")): str(p.get("name", p.get("id"))) for p in found}
        return self._names.get(parent_id, parent_id)

    def version(self, parent_id: str, build: Any) -> str | None:
        if not isinstance(build, int):
            return None
        if (parent_id, build) not in self._numbers:
            client = self.client
            found = self.policy.read(
                "read product version", lambda: client.parent_version(parent_id, build=build)
            )
            number = found.get("versionNumber") if found else None
            self._numbers[(parent_id, build)] = str(number) if number else None
        return self._numbers[(parent_id, build)]

    def known(self, parent_id: str, build: int, number: str) -> None:
        self._numbers[(parent_id, build)] = number

    def compatibility(self, version: Json) -> list[dict[str, Any]]:
        """The version's compatibilities with product names and version numbers (the names
        and the numbers not known yet read side by side first: they need nothing of each other)."""
        ranges = [c for c in version.get("compatibilities") or [] if isinstance(c, dict)]
        wanted = {  # in the order the loop below asks, so the first error is the same
            (str(c.get("parentSoftwareId")), c.get(end)): None
            for c in ranges
            for end in ("minBuildNumber", "maxBuildNumber")
        }
        if ranges:
            names = partial(self.product, "")
            side_by_side([names, *(partial(self.version, pid, build) for pid, build in wanted)])
        rendered = []
        for c in version.get("compatibilities") or []:
            if not isinstance(c, dict):
                continue
            pid = str(c.get("parentSoftwareId"))
            low, high = c.get("minBuildNumber"), c.get("maxBuildNumber")
            rendered.append(
                {
                    "product": self.product(pid),
                    "parent_software_id": pid,
                    "min_build": low,
                    "min": self.version(pid, low),
                    "max_build": high,
                    "max": self.version(pid, high),
                }
            )
        return rendered


def app_software(client: Marketplace, policy: RetryPolicy, app_key: str) -> list[AppSoftware]:
    entries = policy.read("find app", lambda: client.app_software(app_key, None))
    return [
        AppSoftware(str(e["hosting"]), str(e["appSoftwareId"]), bool(e.get("archived")))
        for e in entries
        if e.get("hosting") and e.get("appSoftwareId")
    ]


def newest_versions(
    client: Marketplace, policy: RetryPolicy, app_software_id: str, count: int
) -> list[Json]:
    """The `count` highest builds, whatever order Marketplace lists them in."""
    every = policy.read("list versions", lambda: list(client.versions(app_software_id)))
    numbered = [v for v in every if isinstance(v.get("buildNumber"), int)]
    return sorted(numbered, key=lambda v: int(v["buildNumber"]), reverse=True)[:count]


def approval_words(status: str | None) -> str:
    return APPROVAL_WORDS.get(status or "", status or "—")
