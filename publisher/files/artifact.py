"""What is inside an app artifact: the key and version Marketplace will read from it.

Checking them before the upload turns "uploaded 120 MB, then rejected" into a line in `validate`.
The artifact is hostile until proven otherwise: a member is never inflated past its limit
(whatever size it declares), and every way a zip can be unreadable is a located problem.
"""

from __future__ import annotations

import json
import lzma
import os
import struct
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, BinaryIO

from publisher.files.descriptor import DescriptorProblem, plugin_identity
from publisher.files.regular import open_regular

MAX_ARTIFACT_BYTES = 250_000_000  # "Maximum individual artifact size: 250 MB" (read as 10^6 bytes)
MAX_DESCRIPTOR = 2_000_000
MAX_NESTED_JAR = 64_000_000
MAX_ENTRIES = 100_000  # our guard, not Marketplace's: big plugin jars have tens of thousands
MAX_DIRECTORY = 16_000_000  # bytes of central directory zipfile reads in one go
_DESCRIPTOR = "atlassian-plugin.xml"
_CHUNK = 1 << 16
# What zipfile can inflate; anything else (deflate64 = 9, PPMd = 98, ...) is refused by name.
_METHODS = {
    zipfile.ZIP_STORED: "stored",
    zipfile.ZIP_DEFLATED: "deflate",
    zipfile.ZIP_BZIP2: "bzip2",
    zipfile.ZIP_LZMA: "lzma",
}
# A bad CRC, a corrupt deflate/bzip2/lzma stream, a truncated entry, a password needed.
_DAMAGED = (
    zipfile.BadZipFile,
    EOFError,
    OSError,
    ValueError,
    RuntimeError,
    zlib.error,
    lzma.LZMAError,
)
_METHOD_NAMES = {9: "deflate64", 98: "PPMd", 93: "zstd", 95: "xz", 99: "AES-encrypted"}


@dataclass(frozen=True)
class ArtifactInfo:
    kind: str  # "jar", "obr", "jwb", "connect"
    key: str | None
    version: str | None
    data_center_compatible: bool | None = None  # from plugin-info params; None: not a plugin jar


class ArtifactProblem(Exception):
    """The file cannot be the artifact it claims to be; the message says why."""


def inspect(path: Path, framework: str = "plugin") -> ArtifactInfo:
    """Read the app key and version the way Marketplace will, or raise ArtifactProblem."""
    with open_regular(path) as handle:
        size = os.fstat(handle.fileno()).st_size
        if size == 0:
            raise ArtifactProblem("is empty (0 bytes)")
        if size > MAX_ARTIFACT_BYTES:
            raise ArtifactProblem(
                f"is {size / 1e6:.1f} MB; Marketplace accepts artifacts of at most 250 MB"
            )
        head = handle.read(4)
        handle.seek(0)
        if head.startswith(b"PK"):
            return _inspect_zip(handle, path, framework)
        if path.suffix.lower() == ".json" or head.lstrip()[:1] == b"{":
            return _inspect_connect(handle)
    raise ArtifactProblem(
        "is neither a jar/obr/jwb (zip) nor a Connect descriptor (JSON); check that the build "
        "produced the right file"
    )


def _inspect_zip(handle: BinaryIO, path: Path, framework: str) -> ArtifactInfo:
    check_directory_size(handle)
    try:
        with zipfile.ZipFile(handle) as archive:
            descriptor = _only_descriptor(archive, "")
            if descriptor is not None:
                return _jar_info("jar", read_bounded(archive, descriptor, MAX_DESCRIPTOR, ""))
            if framework == "workflow" or path.suffix.lower() == ".jwb":
                return ArtifactInfo("jwb", None, None)
            for info in archive.infolist():
                if info.filename.endswith(".jar") and "/" not in info.filename.strip("/"):
                    found = _nested(archive, info)
                    if found is not None:
                        return found
    except NotImplementedError as exc:  # e.g. "zip file version 6.4" in the directory
        raise ArtifactProblem(f"uses a zip feature jar readers do not support: {exc}") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError) as exc:
        raise ArtifactProblem(
            f"is not a valid jar/zip archive (truncated or damaged?): {exc}"
        ) from None
    raise ArtifactProblem(
        f"has no {_DESCRIPTOR} at its root, so it is not an Atlassian plugin jar "
        "(for an OBR, the main jar must be at the OBR's root)"
    )


def check_directory_size(handle: BinaryIO) -> None:
    """Refuse a central directory that would cost more memory than any plugin needs.

    zipfile builds one object per entry (~500 bytes) from a directory of the size the end
    record declares: 3 million empty entries fit in 250 MB and would take ~1.5 GB of RAM.
    """
    entries, size = _directory_extent(handle)
    if entries > MAX_ENTRIES:
        raise ArtifactProblem(
            f"has {entries} entries; at most {MAX_ENTRIES} are read, far more than any plugin has"
        )
    if size > MAX_DIRECTORY:
        raise ArtifactProblem(
            f"has a zip directory of {size} bytes (it declares {entries} entries); at most "
            f"{MAX_DIRECTORY} bytes are read, far more than any plugin needs"
        )
    handle.seek(0)


def _directory_extent(handle: BinaryIO) -> tuple[int, int]:
    """(entries, directory bytes) from the end record (zip64 if needed); (0, 0) if none."""
    end = handle.seek(0, os.SEEK_END)
    handle.seek(max(0, end - 22 - 65_535))
    tail = handle.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        return 0, 0  # zipfile will say what is wrong
    entries, size = struct.unpack_from("<HL", tail, at + 10)
    if (entries == 0xFFFF or size == 0xFFFFFFFF) and at >= 20:
        locator = tail[at - 20 : at]
        if locator[:4] == b"PK\x06\x07":
            handle.seek(struct.unpack_from("<Q", locator, 8)[0])
            record = handle.read(56)
            if len(record) == 56 and record[:4] == b"PK\x06\x06":
                entries, size = struct.unpack_from("<QQ", record, 32)
    return entries, size


def _only_descriptor(archive: zipfile.ZipFile, where: str) -> zipfile.ZipInfo | None:
    found = [i for i in archive.infolist() if i.filename == _DESCRIPTOR]
    if len(found) > 1:
        raise ArtifactProblem(
            f"has {len(found)} {_DESCRIPTOR} entries{where}; which one Marketplace reads is "
            "undefined, so the artifact is refused (rebuild it)"
        )
    return found[0] if found else None


def _nested(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> ArtifactInfo | None:
    """An OBR's main jar: spooled to a temporary file (bounded), never held in memory."""
    where = f" in {info.filename}"
    with tempfile.TemporaryFile() as spool:
        _copy_bounded(archive, info, MAX_NESTED_JAR, where, spool)
        check_directory_size(spool)
        try:
            with zipfile.ZipFile(spool) as inner:
                descriptor = _only_descriptor(inner, where)
                if descriptor is None:
                    return None
                return _jar_info("obr", read_bounded(inner, descriptor, MAX_DESCRIPTOR, where))
        except zipfile.BadZipFile:
            return None  # a broken dependency jar is not ours to judge; keep looking


def _jar_info(kind: str, raw: bytes) -> ArtifactInfo:
    try:
        key, version, dc = plugin_identity(raw)
    except DescriptorProblem as exc:
        raise ArtifactProblem(f"has an {_DESCRIPTOR} {exc}") from None
    return ArtifactInfo(kind, key, version, dc)


def read_bounded(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, where: str) -> bytes:
    """The entry's bytes, inflated at most to `limit` (whatever it declares), or ArtifactProblem."""
    with tempfile.SpooledTemporaryFile(max_size=limit + 1) as out:
        _copy_bounded(archive, info, limit, where, out)
        out.seek(0)
        return out.read()


def _copy_bounded(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, where: str, out: IO[bytes]
) -> None:
    """Inflate `info` into `out`, refusing it past `limit` bytes whatever size it declares."""
    name = f"{info.filename}{where}"
    _readable_member(info, name)
    if info.file_size > limit:
        raise ArtifactProblem(f"has an entry {name} of {info.file_size} bytes (at most {limit})")
    copied = 0
    try:
        with archive.open(info) as member:
            while chunk := member.read(min(_CHUNK, limit + 1 - copied)):
                copied += len(chunk)
                if copied > limit:
                    raise ArtifactProblem(
                        f"has an entry {name} that inflates past {limit} bytes although it "
                        f"declares {info.file_size} (a zip bomb?); refused"
                    )
                out.write(chunk)
    except ArtifactProblem:
        raise
    except _DAMAGED as exc:
        raise ArtifactProblem(f"has a damaged entry {name}: {exc}") from None


def _readable_member(info: zipfile.ZipInfo, name: str) -> None:
    if info.flag_bits & 0x1:
        raise ArtifactProblem(
            f"has an encrypted entry {name}; Marketplace cannot read an encrypted descriptor"
        )
    if info.compress_type not in _METHODS:
        method = _METHOD_NAMES.get(info.compress_type, f"method {info.compress_type}")
        raise ArtifactProblem(
            f"has an entry {name} compressed with {method}, which jar readers do not support "
            "(rebuild the artifact with deflate)"
        )


def _no_duplicate_identity(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """Two "key" (or "version") members: which one Marketplace reads is undefined, so refuse."""
    names = [name for name, _ in pairs]
    for name in ("key", "version"):
        if names.count(name) > 1:
            raise ArtifactProblem(
                f"is a Connect descriptor with {names.count(name)} '{name}' members in one "
                "object; which one Marketplace reads is undefined, so it is refused"
            )
    return dict(pairs)


def _inspect_connect(handle: BinaryIO) -> ArtifactInfo:
    raw = handle.read(MAX_DESCRIPTOR + 1)
    if len(raw) > MAX_DESCRIPTOR:
        raise ArtifactProblem("is a Connect descriptor larger than 2 MB; refused")
    try:
        descriptor = json.loads(raw, object_pairs_hook=_no_duplicate_identity)
    except RecursionError:
        raise ArtifactProblem(
            "is a Connect descriptor nested too deeply to be read; refused"
        ) from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise ArtifactProblem(f"is not a valid Connect descriptor (JSON): {exc}") from None
    if not isinstance(descriptor, dict) or "key" not in descriptor:
        raise ArtifactProblem("is JSON but not a Connect descriptor (no 'key')")
    key = descriptor.get("key")
    version = descriptor.get("version")
    return ArtifactInfo(
        "connect",
        str(key) if key else None,
        str(version) if version is not None and not isinstance(version, dict | list) else None,
    )
