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
    name: str = ""  # the product listing's appName (default: from the key)
    private: bool = False  # the product listing's state
    archived: tuple[str, ...] = ()  # hostings whose app software is archived
    archived_twins: tuple[tuple[str, str], ...] = ()  # (hosting, id): archived, beside a live one


@dataclass(frozen=True)
class SeedAccount:
    email: str
    token: str
    apps: tuple[SeedApp, ...]
    developer_id: str = ""  # the developer space (a UUID; default: derived from the email)
    vendor_id: int = 0  # the numeric vendor id (default: derived from the email)


@dataclass(frozen=True)
class Seed:
    accounts: tuple[SeedAccount, ...]
    products: tuple[SeedProduct, ...] = ()  # host products/versions added to the catalogue


def app_software_id(app_key: str, hosting: str, archived: bool = False) -> str:
    """Stable across runs, so a rehearsal can keep ids in its notes."""
    suffix = "/archived" if archived else ""
    return str(uuid.uuid5(_NAMESPACE, f"{app_key}/{hosting}{suffix}"))


def developer_id(email: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"developer/{email.lower()}"))


def vendor_id(email: str) -> int:
    return 100_000 + uuid.uuid5(_NAMESPACE, f"vendor/{email.lower()}").int % 900_000


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
    ids = [
        sid for a in accounts for app in a.apps for _, sid in app.app_software + app.archived_twins
    ]
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
    unknown = set(entry) - {"email", "token", "apps", "developer_id", "vendor_id"}
    if unknown:
        raise SeedError(f"{where}: unknown keys {sorted(unknown)}")
    apps = entry.get("apps", [])
    if not isinstance(apps, list):
        raise SeedError(f"{where}: 'apps' must be a list")
    email = _text(entry, "email", where)
    developer = entry.get("developer_id", developer_id(email))
    if not _is_uuid(developer):
        raise SeedError(f"{where}.developer_id: must be a UUID")
    vendor = entry.get("vendor_id", vendor_id(email))
    if not isinstance(vendor, int) or isinstance(vendor, bool) or vendor <= 0:
        raise SeedError(f"{where}.vendor_id: must be a positive integer")
    return SeedAccount(
        email=email,
        token=_text(entry, "token", where),
        apps=tuple(_app(app, f"{where}.apps[{i}]") for i, app in enumerate(apps)),
        developer_id=str(developer),
        vendor_id=vendor,
    )


def _app(entry: Any, where: str) -> SeedApp:
    if not isinstance(entry, Mapping):
        raise SeedError(f"{where}: expected a mapping with key and hosting")
    unknown = set(entry) - {"key", "hosting", "name", "state", "archived", "archived_twins"}
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
    archived = entry.get("archived", [])
    if not isinstance(archived, list) or any(a not in dict(pairs) for a in archived):
        raise SeedError(f"{where}.archived: must be a list of the app's hostings")
    state = entry.get("state", "public")
    if state not in ("public", "private"):
        raise SeedError(f"{where}.state: must be public or private")
    name = entry.get("name", key.rsplit(".", 1)[-1].replace("-", " ").title())
    twins = _twins(entry, key, where)
    return SeedApp(key, tuple(pairs), str(name), state == "private", tuple(archived), twins)


def _twins(entry: Mapping[str, Any], key: str, where: str) -> tuple[tuple[str, str], ...]:
    """`archived_twins: [datacenter]`: an archived app software per hosting, beside a live one."""
    names = entry.get("archived_twins", [])
    if not isinstance(names, list) or any(name not in HOSTINGS for name in names):
        raise SeedError(f"{where}.archived_twins: must be a list of {', '.join(HOSTINGS)}")
    _unique([str(name) for name in names], f"{where}: duplicate archived twin hosting")
    return tuple((str(name), app_software_id(key, str(name), archived=True)) for name in names)


def _is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
