"""The host products (parent software) and their versions, from the bundled parent_software.json."""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from importlib import resources
from typing import Any

_VERSION_KEYS = ("buildNumber", "versionNumber", "hosting", "state", "revision", "createdAt")


class Catalogue:
    """Read-only; every accessor returns a fresh copy the caller may change."""

    def __init__(self, data: Mapping[str, Any]) -> None:
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
