"""Everything the sandbox remembers: accounts, app software, versions, listings, artifacts, images.

One re-entrant lock guards it all (including the upload ledger); handlers hold `store.lock`
around every read-modify-write so concurrent requests see whole updates.
"""

from __future__ import annotations

import copy
import hmac
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from publisher.sandbox.limits import SandboxUploadLimits
from publisher.sandbox.seed import HOSTINGS, Seed, app_software_id
from publisher.sandbox.settings import SandboxSettings


@dataclass
class AppSoftware:
    id: str
    app_key: str
    hosting: str
    owner: str
    archived: bool = False  # served by the live app-key lookup though the spec omits it
    versions: dict[int, dict[str, Any]] = field(default_factory=dict)
    listings: dict[int, dict[str, Any]] = field(default_factory=dict)

    @property
    def compliance_boundaries(self) -> list[str] | None:
        return ["commercial"] if self.hosting == "cloud" else None


class Store:
    def __init__(
        self, seed: Seed, settings: SandboxSettings, clock: Callable[[], float] = time.time
    ) -> None:
        self.lock = threading.RLock()
        self.clock = clock
        self.ledger = SandboxUploadLimits(
            settings.upload_spacing,
            settings.budget_bytes,
            settings.budget_window,
            self.lock,
            clock,
        )
        self._tokens: dict[str, tuple[str, str]] = {}
        self._owners: dict[str, str] = {}  # app key -> account email
        self.accounts = {a.email: a for a in seed.accounts}
        self.products = {app.key: app for a in seed.accounts for app in a.apps}
        self.apps: dict[str, AppSoftware] = {}
        self.artifacts: dict[str, dict[str, Any]] = {}
        self.images: dict[str, dict[str, Any]] = {}
        for account in seed.accounts:
            self._tokens[account.email.lower()] = (account.email, account.token)
            for app in account.apps:
                self._owners[app.key] = account.email
                for hosting, sid in app.archived_twins:  # first: the worst order for a client
                    self.apps[sid] = AppSoftware(sid, app.key, hosting, account.email, True)
                for hosting, sid in app.app_software:
                    archived = hosting in app.archived
                    self.apps[sid] = AppSoftware(sid, app.key, hosting, account.email, archived)

    def authenticate(self, user: str, token: str) -> str | None:
        """The account email for valid credentials, else None (constant-time token check)."""
        known = self._tokens.get(user.lower())
        expected = known[1] if known else "\x00no-such-account"
        matches = hmac.compare_digest(token.encode("utf-8"), expected.encode("utf-8"))
        return known[0] if known and matches else None

    def owner_of_key(self, app_key: str) -> str | None:
        with self.lock:
            return self._owners.get(app_key)

    def app_software_for_key(self, app_key: str) -> list[AppSoftware]:
        with self.lock:
            found = [a for a in self.apps.values() if a.app_key == app_key]
        order = {"datacenter": 0, "server": 1, "cloud": 2}
        return sorted(found, key=lambda a: (order.get(a.hosting, 9), not a.archived))

    def create_app(self, app_key: str, owner: str) -> list[AppSoftware]:
        """auto_create_apps: a new app with app software for every hosting."""
        with self.lock:
            if app_key not in self._owners:
                self._owners[app_key] = owner
                for hosting in HOSTINGS:
                    sid = app_software_id(app_key, hosting)
                    self.apps[sid] = AppSoftware(sid, app_key, hosting, owner)
        return self.app_software_for_key(app_key)

    def snapshot(self) -> dict[str, Any]:
        """A deep copy for Sandbox.state() and GET /_sandbox/state."""
        with self.lock:
            apps = {
                sid: {
                    "appKey": app.app_key,
                    "hosting": app.hosting,
                    "owner": app.owner,
                    "archived": app.archived,
                    "versions": copy.deepcopy(app.versions),
                    "listings": copy.deepcopy(app.listings),
                }
                for sid, app in self.apps.items()
            }
            return {
                "apps": apps,
                "artifacts": copy.deepcopy(self.artifacts),
                "images": copy.deepcopy(self.images),
                "uploads": self.ledger.snapshot(),
            }
