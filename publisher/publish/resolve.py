"""Names in release.yml -> Marketplace ids: the app software per hosting, the host products
(parent software, matched by name or id), and product versions -> build numbers. Reads only."""

from __future__ import annotations

from functools import partial

from publisher.concurrency import side_by_side
from publisher.config.model import Compatibility, Release
from publisher.config.yamldoc import Path as KeyPath
from publisher.diagnostics import Diagnostic, error
from publisher.errors import ConfigError, RejectedError
from publisher.marketplace.answers import Json
from publisher.marketplace.client import Marketplace
from publisher.marketplace.errors import ApiRejectedError
from publisher.marketplace.retry import RetryPolicy
from publisher.publish.payloads import ResolvedCompatibility

_PRODUCT_ALIASES = {
    "jsm": "jira service management",
    "jira-service-management": "jira service management",
    "jira-service-desk": "jira service management",
    "jira service desk": "jira service management",
    "servicedesk": "jira service management",
}


class Resolver:
    def __init__(self, release: Release, client: Marketplace, policy: RetryPolicy) -> None:
        self.release = release
        self.client = client
        self.policy = policy

    def app_software_id(self, hosting: str) -> str:
        client = self.client
        release = self.release
        try:
            entries = self.policy.read(
                "find app", lambda: client.app_software(release.app, hosting)
            )
        except ApiRejectedError as exc:
            if exc.status != 404:
                raise
            raise RejectedError(
                f"Marketplace has no app with the key {release.app}",
                advice="check `app:`; the app must already exist on Marketplace (create its "
                "first listing in the developer console)",
                diagnostics=(self._error(f"no app {release.app} on Marketplace", ("app",)),),
            ) from exc
        matching = [e for e in entries if e.get("hosting") == hosting and e.get("appSoftwareId")]
        # `archived` is undocumented but served live: an archived app software takes no versions.
        for entry in matching:
            if entry.get("archived") is not True:
                return str(entry["appSoftwareId"])
        only = " (only an archived one)" if matching else ""
        raise RejectedError(
            f"{release.app} has no {hosting} app software on Marketplace{only}",
            advice=f"create the {hosting} listing in the Marketplace developer console first, "
            "or remove it from `hosting:`",
            diagnostics=(
                self._error(f"no {hosting} app software for {release.app}", ("hosting",)),
            ),
        )

    def compatibilities(self) -> list[ResolvedCompatibility]:
        client = self.client
        parents = self.policy.read("list host products", lambda: list(client.parent_software()))
        by_name = {str(p.get("name", "")).lower(): p for p in parents}
        by_id = {str(p.get("id")): p for p in parents}
        problems: list[Diagnostic] = []
        found: list[tuple[Compatibility, Json]] = []
        for c in self.release.compatibility:
            name = c.product.lower()
            parent = by_id.get(c.product) or by_name.get(_PRODUCT_ALIASES.get(name, name))
            if parent is None:
                known = ", ".join(sorted(str(p.get("name")) for p in parents))
                problems.append(
                    self._error(
                        f"unknown product {c.product!r}; Marketplace knows: {known}",
                        (*c.key, "product"),
                    )
                )
            else:
                found.append((c, parent))
        # Every product version is looked up at once: they need nothing of each other.
        builds = side_by_side(
            [
                partial(self._build, str(parent["id"]), str(parent.get("name")), value)
                for c, parent in found
                for value in (c.min, c.max)
            ]
        )
        resolved = []
        for index, (c, parent) in enumerate(found):
            label = str(parent.get("name"))
            (low, low_missing), (high, high_missing) = builds[2 * index : 2 * index + 2]
            for end, missing in (("min", low_missing), ("max", high_missing)):
                if missing:
                    problems.append(self._error(f"{missing} on Marketplace", (*c.key, end)))
            if low is not None and high is not None:
                if low > high:
                    problems.append(
                        self._error(
                            f"{label} {c.min} (build {low}) is newer than {c.max} (build {high})",
                            (*c.key, "max"),
                        )
                    )
                resolved.append(ResolvedCompatibility(str(parent["id"]), low, high))
        if problems:
            raise ConfigError(
                "release.yml names product versions Marketplace does not know",
                diagnostics=tuple(problems),
            )
        return resolved

    def _build(self, parent_id: str, label: str, value: str | int) -> tuple[int | None, str]:
        """The build number of a product version, or None and what was missing."""
        client = self.client
        if isinstance(value, int):
            found = self.policy.read(
                "read product version", lambda: client.parent_version(parent_id, build=value)
            )
            missing = f"{label} has no build number {value}"
        else:
            found = self.policy.read(
                "read product version", lambda: client.parent_version(parent_id, number=value)
            )
            missing = f"{label} has no version {value}"
        if not found or not isinstance(found.get("buildNumber"), int):
            return None, missing
        return int(found["buildNumber"]), ""

    def _error(self, message: str, key: KeyPath) -> Diagnostic:
        return error(message, self.release.locate(key), _dotted(key))


def _dotted(key: KeyPath) -> str:
    out = ""
    for part in key:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
