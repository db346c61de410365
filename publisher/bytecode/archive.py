"""The class files and manifests inside a jar, a directory of jars, or a nested jar under
`META-INF/lib/` (a plugin's bundled libraries).

Archives are hostile: the zip directory is checked before zipfile reads it, a class is never
inflated past its bound (whatever it declares) nor past 100 times its compressed size, and the
classes and bytes of one PATH are counted against a budget, so a zip bomb of classes ends in an
ArchiveProblem naming the entry, never in a hang or an exhausted machine.
"""

from __future__ import annotations

import io
import lzma
import os
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, NamedTuple

from publisher.bytecode.errors import ArchiveProblem
from publisher.files.artifact import ArtifactProblem, check_directory_size
from publisher.files.regular import UnusableFile, open_regular

MAX_CLASS_BYTES = 16 << 20  # far above any real class file (javac's largest are ~1 MB)
MAX_RATIO = 100  # class files deflate 2-5x; a hundredfold is a bomb, not bytecode
_RATIO_FLOOR = 64 << 10  # tiny entries may compress well: the ratio applies above this
MAX_NESTED_JAR = 64 << 20
MAX_MANIFEST = 1 << 20
MAX_FILES = 200_000  # files one directory PATH may hold
LIB_PREFIX = "META-INF/lib/"
MANIFEST = "META-INF/MANIFEST.MF"


@dataclass
class Budget:
    """What one PATH may cost in all: classes read and bytes inflated."""

    classes: int = 400_000
    bytes: int = 4 << 30
    used_classes: int = 0
    used_bytes: int = 0

    def spend(self, where: str, size: int) -> None:
        self.used_classes += 1
        self.used_bytes += size
        if self.used_classes > self.classes:
            raise ArchiveProblem(where, f"more than {self.classes} class files; refused")
        if self.used_bytes > self.bytes:
            raise ArchiveProblem(where, f"class files inflate past {self.bytes} bytes; refused")


class Entry(NamedTuple):  # immutable; a tuple because a host has 100,000
    """A class file or a manifest, from where (`app.jar!META-INF/lib/x.jar!a/B.class`)."""

    where: str
    data: bytes
    bundled: bool  # inside a nested jar under META-INF/lib/
    manifest: bool = False


@dataclass
class Walk:
    root: Path
    budget: Budget = field(default_factory=Budget)


def entries(path: Path, budget: Budget | None = None) -> Iterator[Entry]:
    """Every class file and manifest under `path` (a jar, a class file, or a directory of them)."""
    walk = Walk(path, budget or Budget())
    if path.is_dir():
        yield from _directory(walk)
    else:
        yield from _file(walk, path, path.name)


def _directory(walk: Walk) -> Iterator[Entry]:
    count = 0
    for folder, dirs, names in os.walk(walk.root):  # symlinked folders are not followed: no loops
        dirs.sort()
        for name in sorted(names):
            if name.endswith((".jar", ".class")):
                count += 1
                if count > MAX_FILES:
                    raise ArchiveProblem(str(walk.root), f"more than {MAX_FILES} jars and classes")
                full = Path(folder, name)
                yield from _file(walk, full, str(full.relative_to(walk.root)))


def _file(walk: Walk, path: Path, where: str) -> Iterator[Entry]:
    try:
        handle = open_regular(path)
    except (UnusableFile, OSError) as exc:
        raise ArchiveProblem(where, f"cannot be read: {_reason(exc)}") from None
    with handle:
        if path.suffix == ".class":
            data = handle.read(MAX_CLASS_BYTES + 1)
            if len(data) > MAX_CLASS_BYTES:
                raise ArchiveProblem(where, f"is larger than {MAX_CLASS_BYTES} bytes")
            walk.budget.spend(where, len(data))
            yield Entry(where, data, bundled=False)
            return
        yield from _jar(walk, handle, where, bundled=False)


def _reason(exc: Exception) -> str:
    return exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)


def _jar(walk: Walk, handle: IO[bytes], where: str, *, bundled: bool) -> Iterator[Entry]:
    try:
        check_directory_size(handle)  # type: ignore[arg-type]
        with zipfile.ZipFile(handle) as archive:
            for info in archive.infolist():
                yield from _member(walk, archive, info, where, bundled)
    except ArtifactProblem as exc:
        raise ArchiveProblem(where, str(exc)) from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as exc:
        raise ArchiveProblem(
            where, f"is not a readable jar (truncated or damaged?): {exc}"
        ) from None


def _member(
    walk: Walk, archive: zipfile.ZipFile, info: zipfile.ZipInfo, where: str, bundled: bool
) -> Iterator[Entry]:
    name = info.filename
    inner = f"{where}!{name}"
    if name.endswith(".class") and not _skipped(name):
        data = _inflate(archive, info, inner, MAX_CLASS_BYTES)
        walk.budget.spend(inner, len(data))
        yield Entry(inner, data, bundled)
    elif name == MANIFEST:
        yield Entry(inner, _inflate(archive, info, inner, MAX_MANIFEST), bundled, manifest=True)
    elif name.startswith(LIB_PREFIX) and name.endswith(".jar") and not bundled:
        nested = io.BytesIO(_inflate(archive, info, inner, MAX_NESTED_JAR))
        yield from _jar(walk, nested, inner, bundled=True)


def _skipped(name: str) -> bool:
    """module-info and package-info declare no class; a multi-release jar's other versions are
    read from the base entries, as a Java 17 host loads them."""
    base = name.rsplit("/", 1)[-1]
    return base in ("module-info.class", "package-info.class") or name.startswith(
        "META-INF/versions/"
    )


def _inflate(archive: zipfile.ZipFile, info: zipfile.ZipInfo, where: str, limit: int) -> bytes:
    """The entry's bytes, refused past `limit` or past MAX_RATIO times its compressed size."""
    if info.flag_bits & 0x1:
        raise ArchiveProblem(where, "is encrypted")
    bound = min(limit, max(_RATIO_FLOOR, info.compress_size * MAX_RATIO))
    if info.file_size > bound:
        raise ArchiveProblem(where, f"declares {info.file_size} bytes; at most {bound} are read")
    try:
        if info.compress_type in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            out = _stored_or_deflated(archive, info, bound, where)
        else:
            with archive.open(info) as member:
                out = member.read(bound + 1)  # zipfile inflates in bounded steps up to this
    except (
        zipfile.BadZipFile,
        struct.error,
        EOFError,
        OSError,
        ValueError,
        RuntimeError,
        zlib.error,
        lzma.LZMAError,
    ) as exc:
        raise ArchiveProblem(where, f"is damaged: {exc}") from None
    except NotImplementedError as exc:
        raise ArchiveProblem(
            where, f"uses a compression jar readers do not support: {exc}"
        ) from None
    if len(out) > bound:
        raise ArchiveProblem(
            where,
            f"inflates past {bound} bytes although it declares {info.file_size} (a zip bomb?); "
            "refused",
        )
    return out


_LOCAL = struct.Struct("<4s22xHH")  # signature, ..., name length, extra length


def _stored_or_deflated(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, bound: int, where: str
) -> bytes:
    """What zipfile.open does for the two methods jars use, at a fifth of its cost per entry
    (a host has 100,000 of them): the local header, the raw bytes, one bounded inflate, the CRC."""
    handle = archive.fp
    if handle is None:
        raise zipfile.BadZipFile("the archive is closed")
    handle.seek(info.header_offset)
    signature, name_length, extra_length = _LOCAL.unpack(handle.read(30))
    if signature != b"PK\x03\x04":
        raise zipfile.BadZipFile("no local header where the directory points")
    handle.seek(name_length + extra_length, os.SEEK_CUR)
    raw = handle.read(info.compress_size)
    if info.compress_type == zipfile.ZIP_STORED:
        out = raw[: bound + 1]
    else:
        inflater = zlib.decompressobj(-15)
        out = inflater.decompress(raw, bound + 1)
    if len(out) <= bound and (len(out) != info.file_size or zlib.crc32(out) != info.CRC):
        raise zipfile.BadZipFile(f"bad CRC-32 or size (it declares {info.file_size} bytes)")
    return out
