"""The seed file: accounts, their tokens and the apps (app software per hosting) they own."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from publisher.sandbox.seed_products import ProductSeedError, SeedProduct, parse_products

HOSTINGS = ("cloud", "server", "datacenter")
_NAMESPACE = uuid.UUID("6f1c0d43-5d0e-4f38-9a53-4a0d2f6f1e57")


class SeedError(ValueError):
    """The seed file is not what docs/sandbox.md describes; the message says where."""


@dataclass(frozen=True)
class SeedApp:
    key: str
    app_software: tuple[tuple[str, str], ...]  # (hosting, appSoftwareId)


@dataclass(frozen=True)
class SeedAccount:
    email: str
    token: str
    apps: tuple[SeedApp, ...]


@dataclass(frozen=True)
class Seed:
    accounts: tuple[SeedAccount, ...]
    products: tuple[SeedProduct, ...] = ()  # host products/versions added to the catalogue


def app_software_id(app_key: str, hosting: str) -> str:
    """Stable across runs, so a rehearsal can keep ids in its notes."""
    return str(uuid.uuid5(_NAMESPACE, f"{app_key}/{hosting}"))


def load_seed(source: str | Path | Mapping[str, Any] | None = None) -> Seed:
    """A seed from a YAML file, an already-parsed mapping, or (None) the bundled default."""
    if source is None:
        text = resources.files(__package__).joinpath("default_seed.yml").read_text("utf-8")
        return parse_seed(yaml.safe_load(text), "default_seed.yml")
    if isinstance(source, Mapping):
        return parse_seed(source, "seed")
    path = Path(source)
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except OSError as exc:
        raise SeedError(f"{path}: cannot read the seed file: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise SeedError(f"{path}: not valid YAML: {exc}") from None
    return parse_seed(data, str(path))


def parse_seed(data: Any, where: str) -> Seed:
    if not isinstance(data, Mapping) or not isinstance(data.get("accounts"), list):
        raise SeedError(f"{where}: expected a mapping with an 'accounts' list")
    accounts = tuple(
        _account(entry, f"{where}: accounts[{i}]") for i, entry in enumerate(data["accounts"])
    )
    if not accounts:
        raise SeedError(f"{where}: 'accounts' must name at least one account")
    _unique([a.email.lower() for a in accounts], f"{where}: duplicate account email")
    keys = [app.key for account in accounts for app in account.apps]
    _unique(keys, f"{where}: an app key is owned twice")
    ids = [sid for a in accounts for app in a.apps for _, sid in app.app_software]
    _unique(ids, f"{where}: duplicate appSoftwareId")
    try:
        products = parse_products(data.get("products"), where)
    except ProductSeedError as exc:
        raise SeedError(str(exc)) from None
    return Seed(accounts, products)


def _unique(values: list[str], message: str) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise SeedError(f"{message}: {value}")
        seen.add(value)


def _text(entry: Mapping[str, Any], name: str, where: str) -> str:
    value = entry.get(name)
    if not isinstance(value, str) or not value.strip():
        raise SeedError(f"{where}: '{name}' must be a non-empty string")
    return value.strip()


def _account(entry: Any, where: str) -> SeedAccount:
    if not isinstance(entry, Mapping):
        raise SeedError(f"{where}: expected a mapping with email, token and apps")
    unknown = set(entry) - {"email", "token", "apps"}
    if unknown:
        raise SeedError(f"{where}: unknown keys {sorted(unknown)}")
    apps = entry.get("apps", [])
    if not isinstance(apps, list):
        raise SeedError(f"{where}: 'apps' must be a list")
    return SeedAccount(
        email=_text(entry, "email", where),
        token=_text(entry, "token", where),
        apps=tuple(_app(app, f"{where}.apps[{i}]") for i, app in enumerate(apps)),
    )


def _app(entry: Any, where: str) -> SeedApp:
    if not isinstance(entry, Mapping):
        raise SeedError(f"{where}: expected a mapping with key and hosting")
    unknown = set(entry) - {"key", "hosting"}
    if unknown:
        raise SeedError(f"{where}: unknown keys {sorted(unknown)}")
    key = _text(entry, "key", where)
    hosting = entry.get("hosting", list(HOSTINGS))
    pairs: list[tuple[str, str]] = []
    if isinstance(hosting, list):
        pairs = [(str(h), app_software_id(key, str(h))) for h in hosting]
    elif isinstance(hosting, Mapping):
        for name, pinned in hosting.items():
            if pinned is not None and not _is_uuid(pinned):
                raise SeedError(f"{where}.hosting.{name}: appSoftwareId must be a UUID")
            pairs.append((str(name), str(pinned) if pinned else app_software_id(key, str(name))))
    else:
        raise SeedError(f"{where}: 'hosting' must be a list or a mapping hosting -> id")
    for name, _ in pairs:
        if name not in HOSTINGS:
            raise SeedError(f"{where}: hosting '{name}' is not one of {', '.join(HOSTINGS)}")
    _unique([name for name, _ in pairs], f"{where}: duplicate hosting")
    if not pairs:
        raise SeedError(f"{where}: 'hosting' must name at least one hosting")
    return SeedApp(key=key, app_software=tuple(pairs))


def _is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
