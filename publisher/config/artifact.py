"""What is inside an app artifact: the key and version Marketplace will read from it.

Checking them before the upload turns "uploaded 120 MB, then rejected" into a line in `validate`.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

MAX_ARTIFACT_BYTES = 250_000_000  # "Maximum individual artifact size: 250 MB" (read as 10^6 bytes)
_MAX_DESCRIPTOR = 2_000_000
_MAX_NESTED_JAR = 64_000_000
_DESCRIPTOR = "atlassian-plugin.xml"


@dataclass(frozen=True)
class ArtifactInfo:
    kind: str  # "jar", "obr", "jwb", "connect"
    key: str | None
    version: str | None


class ArtifactProblem(Exception):
    """The file cannot be the artifact it claims to be; the message says why."""


def inspect(path: Path, framework: str = "plugin") -> ArtifactInfo:
    """Read the app key and version the way Marketplace will, or raise ArtifactProblem."""
    size = path.stat().st_size
    if size == 0:
        raise ArtifactProblem("is empty (0 bytes)")
    if size > MAX_ARTIFACT_BYTES:
        raise ArtifactProblem(
            f"is {size / 1e6:.1f} MB; Marketplace accepts artifacts of at most 250 MB"
        )
    with path.open("rb") as handle:
        head = handle.read(4)
    if head.startswith(b"PK"):
        return _inspect_zip(path, framework)
    if path.suffix.lower() == ".json" or head.lstrip()[:1] == b"{":
        return _inspect_connect(path)
    raise ArtifactProblem(
        "is neither a jar/obr/jwb (zip) nor a Connect descriptor (JSON); check that the build "
        "produced the right file"
    )


def _inspect_zip(path: Path, framework: str) -> ArtifactInfo:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if _DESCRIPTOR in names:
                key, version = _descriptor(archive.read(archive.getinfo(_DESCRIPTOR)))
                return ArtifactInfo("jar", key, version)
            if framework == "workflow" or path.suffix.lower() == ".jwb":
                return ArtifactInfo("jwb", None, None)
            nested = [n for n in names if n.endswith(".jar") and "/" not in n.strip("/")]
            for name in nested:
                if archive.getinfo(name).file_size > _MAX_NESTED_JAR:
                    continue
                with zipfile.ZipFile(io.BytesIO(archive.read(name))) as inner:
                    if _DESCRIPTOR in inner.namelist():
                        key, version = _descriptor(inner.read(_DESCRIPTOR))
                        return ArtifactInfo("obr", key, version)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as exc:
        raise ArtifactProblem(
            f"is not a valid jar/zip archive (truncated or damaged?): {exc}"
        ) from None
    raise ArtifactProblem(
        f"has no {_DESCRIPTOR} at its root, so it is not an Atlassian plugin jar "
        "(for an OBR, the main jar must be at the OBR's root)"
    )


def _descriptor(raw: bytes) -> tuple[str | None, str | None]:
    if len(raw) > _MAX_DESCRIPTOR:
        raise ArtifactProblem(f"has an {_DESCRIPTOR} larger than 2 MB")
    if b"<!DOCTYPE" in raw or b"<!ENTITY" in raw:
        raise ArtifactProblem(f"has an {_DESCRIPTOR} with a DOCTYPE/ENTITY declaration; refused")
    try:
        root = ElementTree.fromstring(raw)  # noqa: S314 - no DTD/entities (checked above)
    except ElementTree.ParseError as exc:
        raise ArtifactProblem(f"has an {_DESCRIPTOR} that is not valid XML: {exc}") from None
    if root.tag != "atlassian-plugin":
        raise ArtifactProblem(
            f"has an {_DESCRIPTOR} whose root is <{root.tag}>, not <atlassian-plugin>"
        )
    version = root.findtext("plugin-info/version")
    return root.get("key"), version.strip() if version else None


def _inspect_connect(path: Path) -> ArtifactInfo:
    try:
        descriptor = json.loads(path.read_bytes()[:_MAX_DESCRIPTOR])
    except (ValueError, UnicodeDecodeError) as exc:
        raise ArtifactProblem(f"is not a valid Connect descriptor (JSON): {exc}") from None
    if not isinstance(descriptor, dict) or "key" not in descriptor:
        raise ArtifactProblem("is JSON but not a Connect descriptor (no 'key')")
    key = descriptor.get("key")
    version = descriptor.get("version")
    return ArtifactInfo(
        "connect", str(key) if key else None, str(version) if version is not None else None
    )
