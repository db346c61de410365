"""Read an artifact's `details` (key, name, version, ...) the way Marketplace does.

A jar/jwb carries atlassian-plugin.xml at its root; an OBR is a zip whose main jar sits at its
root; a Connect app is a JSON descriptor. The file is read from disk lazily, never whole.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

PLUGIN_XML = "atlassian-plugin.xml"
_MAX_DESCRIPTOR = 2_000_000


class InvalidArtifact(Exception):
    """Not a plugin Marketplace would accept; the message becomes the 400 detail."""


def read_details(path: Path, max_nested_bytes: int) -> dict[str, Any]:
    with path.open("rb") as handle:
        head = handle.read(64)
    if head.startswith(b"PK\x03\x04"):
        return _zip_details(path, max_nested_bytes)
    if head.lstrip()[:1] == b"{":
        return _connect_details(path)
    raise InvalidArtifact("The uploaded file is not a valid artifact format")


def _zip_details(path: Path, max_nested_bytes: int) -> dict[str, Any]:
    try:
        with zipfile.ZipFile(path) as archive:
            if PLUGIN_XML in archive.namelist():
                return _plugin_details(_read_entry(archive, PLUGIN_XML))
            return _nested_jar_details(archive, path.parent, max_nested_bytes)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError) as exc:
        raise InvalidArtifact(f"The uploaded file is not a valid artifact format: {exc}") from None


def _nested_jar_details(
    archive: zipfile.ZipFile, workdir: Path, max_nested_bytes: int
) -> dict[str, Any]:
    # OBR: the plugin jar sits at the root; dependency bundles live in dependencies/.
    jars = [i for i in archive.infolist() if i.filename.endswith(".jar") and "/" not in i.filename]
    for info in jars:
        if info.file_size > max_nested_bytes:
            continue
        with tempfile.TemporaryFile(dir=workdir) as copy:
            with archive.open(info) as source:
                shutil.copyfileobj(source, copy, 256 * 1024)
            copy.seek(0)
            try:
                with zipfile.ZipFile(copy) as inner:
                    if PLUGIN_XML in inner.namelist():
                        return _plugin_details(_read_entry(inner, PLUGIN_XML))
            except zipfile.BadZipFile:
                continue
    raise InvalidArtifact(
        f"The uploaded file is not a valid artifact format: no {PLUGIN_XML} found in the "
        "archive or in a jar at its root"
    )


def _read_entry(archive: zipfile.ZipFile, name: str) -> bytes:
    if archive.getinfo(name).file_size > _MAX_DESCRIPTOR:
        raise InvalidArtifact(f"{name} is too large")
    with archive.open(name) as entry:
        return entry.read(_MAX_DESCRIPTOR + 1)[:_MAX_DESCRIPTOR]


def _plugin_details(raw: bytes) -> dict[str, Any]:
    if b"<!DOCTYPE" in raw or b"<!ENTITY" in raw:
        raise InvalidArtifact(f"{PLUGIN_XML} must not declare a DOCTYPE or entities")
    try:
        root = ElementTree.fromstring(raw)  # noqa: S314 - DTDs/entities refused above
    except ElementTree.ParseError as exc:
        raise InvalidArtifact(f"{PLUGIN_XML} is not well-formed XML: {exc}") from None
    key = (root.get("key") or "").strip()
    if root.tag != "atlassian-plugin" or not key:
        raise InvalidArtifact(f"{PLUGIN_XML} has no <atlassian-plugin key=...> root element")
    params = {
        (p.get("name") or ""): (p.text or "").strip() for p in root.findall("plugin-info/param")
    }
    dc_status = params.get("atlassian-data-center-status")
    dc_compatible = params.get("atlassian-data-center-compatible", "").lower() == "true"
    details: dict[str, Any] = {
        "key": key,
        "name": root.get("name") or key,
        "version": (root.findtext("plugin-info/version") or "").strip(),
        "licensingEnabled": params.get("atlassian-licensing-enabled", "").lower() == "true",
        "dataCenterCompatible": dc_compatible or dc_status == "compatible",
        "addOnType": "two" if root.get("plugins-version") == "2" else "one",
        "remotable": False,
        "editionsEnabled": False,
    }
    if dc_status in ("compatible", "pending", "rejected"):
        details["dataCenterStatus"] = dc_status
    elif details["dataCenterCompatible"]:
        details["dataCenterStatus"] = "compatible"
    return details


def _connect_details(path: Path) -> dict[str, Any]:
    if path.stat().st_size > _MAX_DESCRIPTOR:
        raise InvalidArtifact("The uploaded file is not a valid artifact format")
    try:
        descriptor = json.loads(path.read_bytes())
    except (ValueError, UnicodeDecodeError):
        raise InvalidArtifact("The uploaded file is not a valid artifact format") from None
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("key"), str):
        raise InvalidArtifact(
            "The uploaded file is not a valid artifact format: a Connect descriptor needs a key"
        )
    version = descriptor.get("version")
    details: dict[str, Any] = {
        "key": descriptor["key"],
        "name": str(descriptor.get("name") or descriptor["key"]),
        "licensingEnabled": bool(descriptor.get("enableLicensing", False)),
        "dataCenterCompatible": False,
        "addOnType": "connect",
        "remotable": True,
        "editionsEnabled": False,
    }
    if version is not None:
        details["version"] = str(version)
    return details
