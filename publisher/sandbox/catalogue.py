"""The host products (parent software) and their versions, from the bundled parent_software.json."""

from __future__ import annotations

import copy
import json
import threading
import time
import uuid
from collections.abc import Iterable, Mapping
from importlib import resources
from typing import Any

from publisher.sandbox.seed_products import SeedProduct, build_version, same_product, version_build

_SEEDED_NAMESPACE = uuid.UUID("0b5e6a0e-3c57-4c1e-9d0f-7d4b3c2a1f10")
_SEEDED_AT = "2026-01-01T00:00:00Z"
_VERSION_KEYS = ("buildNumber", "versionNumber", "hosting", "state", "revision", "createdAt")


class Catalogue:
    """Read-only through the API; every accessor returns a fresh copy the caller may change.
    The control API adds versions (a host release published during a rehearsal)."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._lock = threading.Lock()
        developer_id = data["developerId"]
        self._products: dict[str, dict[str, Any]] = {}
        self._versions: dict[str, list[dict[str, Any]]] = {}
        for entry in data["parentSoftware"]:
            product = {k: v for k, v in entry.items() if k != "versions"}
            product.setdefault("developerId", developer_id)
            self._products[product["id"]] = product
            versions = [{k: v[k] for k in _VERSION_KEYS if k in v} for v in entry["versions"]]
            # Newest first, as in the spec's example.
            self._versions[product["id"]] = sorted(
                versions, key=lambda v: v["buildNumber"], reverse=True
            )

    def __deepcopy__(self, memo: dict[int, Any]) -> Catalogue:
        """A copy with its own lock (a lock cannot be copied)."""
        twin = Catalogue.__new__(Catalogue)
        twin._lock = threading.Lock()
        with self._lock:
            twin._products = copy.deepcopy(self._products, memo)
            twin._versions = copy.deepcopy(self._versions, memo)
        return twin

    @classmethod
    def bundled(cls) -> Catalogue:
        text = resources.files(__package__).joinpath("parent_software.json").read_text("utf-8")
        return cls(json.loads(text))

    def products(self) -> list[dict[str, Any]]:
        return copy.deepcopy(list(self._products.values()))

    def product(self, product_id: str) -> dict[str, Any] | None:
        product = self._products.get(product_id)
        return copy.deepcopy(product) if product is not None else None

    def versions(self, product_id: str) -> list[dict[str, Any]] | None:
        versions = self._versions.get(product_id)
        return copy.deepcopy(versions) if versions is not None else None

    def version_by_build(self, product_id: str, build: int) -> dict[str, Any] | None:
        for version in self._versions.get(product_id, []):
            if version["buildNumber"] == build:
                return copy.deepcopy(version)
        return None

    def version_by_number(self, product_id: str, number: str) -> dict[str, Any] | None:
        for version in self._versions.get(product_id, []):
            if version["versionNumber"] == number:
                return copy.deepcopy(version)
        return None

    def add_version(self, product_id: str, body: Any) -> dict[str, Any]:
        """A new host version; the build must be new for the product. Returns it as served."""
        if not isinstance(body, dict):
            raise ValueError("expected {buildNumber, versionNumber, hosting?}")
        build, number = body.get("buildNumber"), body.get("versionNumber")
        hosting = body.get("hosting", ["server", "datacenter"])
        if not isinstance(build, int) or isinstance(build, bool) or build <= 0:
            raise ValueError("buildNumber must be a positive integer")
        if not isinstance(number, str) or not number:
            raise ValueError("versionNumber must be a non-empty string")
        if not isinstance(hosting, list) or not all(isinstance(h, str) for h in hosting):
            raise ValueError("hosting must be a list of hostings")
        with self._lock:
            if product_id not in self._products:
                raise ValueError(f"no parent software {product_id}")
            versions = self._versions[product_id]
            if any(v["buildNumber"] == build or v["versionNumber"] == number for v in versions):
                raise ValueError(f"{product_id} already has build {build} or version {number}")
            created = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
            version = {
                "buildNumber": build,
                "versionNumber": number,
                "hosting": hosting,
                "state": "active",
                "revision": 1,
                "createdAt": created,
            }
            versions.append(version)
            versions.sort(key=lambda v: v["buildNumber"], reverse=True)
            return copy.deepcopy(version)

    def with_products(self, seeded: Iterable[SeedProduct]) -> Catalogue:
        """A copy that also has the seed's products and versions (for rehearsing a release)."""
        wanted_products = tuple(seeded)
        if not wanted_products:
            return self
        extended = copy.deepcopy(self)
        for entry in wanted_products:
            product_id = extended._product_id(entry.product)
            versions = extended._versions[product_id]
            for wanted in entry.versions:
                build = wanted if isinstance(wanted, int) else version_build(wanted)
                number = build_version(wanted) if isinstance(wanted, int) else wanted
                if build is None or any(build == v["buildNumber"] for v in versions):
                    continue
                versions.append(_seeded_version(number, build))
            versions.sort(key=lambda v: v["buildNumber"], reverse=True)
        return extended

    def _product_id(self, name: str) -> str:
        for product in self._products.values():
            if same_product(name, product):
                return str(product["id"])
        product_id = str(uuid.uuid5(_SEEDED_NAMESPACE, name.lower()))
        self._products[product_id] = {
            "id": product_id,
            "name": name,
            "developerId": next(iter(self._products.values()))["developerId"],
            "hostingOptions": [{"hosting": h} for h in ("cloud", "server", "datacenter")],
            "extensibilityFrameworks": [
                {"frameworkId": f} for f in ("connect", "forge", "plugin", "workflow")
            ],
            "state": "active",
            "revision": 1,
        }
        self._versions[product_id] = []
        return product_id


def _seeded_version(number: str, build: int) -> dict[str, Any]:
    return {
        "buildNumber": build,
        "versionNumber": number,
        "hosting": ["server", "datacenter"],
        "state": "active",
        "revision": 1,
        "createdAt": _SEEDED_AT,
    }
