"""The seed's `products`: host products and versions a rehearsal needs beyond the bundled catalogue.

products:
  - product: jira                 # a catalogue name (any case, '-' for ' ') or id; else new
    versions: ["9.12.0", 1003000] # version numbers or build numbers; missing ones are added
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


class ProductSeedError(ValueError):
    """A `products` entry is malformed; the message says which."""


@dataclass(frozen=True)
class SeedProduct:
    product: str
    versions: tuple[str | int, ...]


def parse_products(data: Any, where: str) -> tuple[SeedProduct, ...]:
    if data is None:
        return ()
    if not isinstance(data, list):
        raise ProductSeedError(f"{where}: 'products' must be a list")
    return tuple(_product(entry, f"{where}: products[{i}]") for i, entry in enumerate(data))


def _product(entry: Any, where: str) -> SeedProduct:
    if not isinstance(entry, Mapping) or set(entry) - {"product", "versions"}:
        raise ProductSeedError(f"{where}: expected a mapping with product and versions")
    name = entry.get("product")
    if not isinstance(name, str) or not name.strip():
        raise ProductSeedError(f"{where}: 'product' must be a non-empty string")
    versions = entry.get("versions", [])
    if not isinstance(versions, list):
        raise ProductSeedError(f"{where}: 'versions' must be a list")
    for i, version in enumerate(versions):
        if isinstance(version, bool) or not isinstance(version, str | int):
            raise ProductSeedError(f"{where}.versions[{i}]: a version number or a build number")
        if isinstance(version, str) and version_build(version) is None:
            raise ProductSeedError(f"{where}.versions[{i}]: {version!r} is not like 9.12.0")
        if isinstance(version, int) and version <= 0:
            raise ProductSeedError(f"{where}.versions[{i}]: a build number is positive")
    return SeedProduct(name.strip(), tuple(versions))


def version_build(number: str) -> int | None:
    """The catalogue's scheme, for every product: major*100000 + minor*1000 + patch."""
    match = re.fullmatch(r"(\d+)\.(\d+)(?:\.(\d+))?", number.strip())
    if not match or int(match[2]) > 99 or int(match[3] or 0) > 999:
        return None
    return int(match[1]) * 100000 + int(match[2]) * 1000 + int(match[3] or 0)


def build_version(build: int) -> str:
    return f"{build // 100000}.{build // 1000 % 100}.{build % 1000}"


def same_product(name: str, product: Mapping[str, Any]) -> bool:
    def norm(text: str) -> str:
        return re.sub(r"[\s_-]+", " ", text).strip().lower()

    return name == product["id"] or norm(name) == norm(str(product["name"]))
