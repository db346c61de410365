"""What a jar holds, ignoring what a normal rebuild changes: its content fingerprint.

A Maven/AMPS build is not byte-identical run to run (entry timestamps, entry order,
`Bnd-LastModified`, the date comment of `pom.properties`), so a re-run of a release tag would look
like another artifact. The fingerprint is each entry's name with its CRC-32 and size, read from
the central directory (no entry is inflated for that), except the manifest and `pom.properties`:
those two are read (bounded) and kept without their volatile lines. Zip timestamps and order
never enter it.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from publisher.files.artifact import ArtifactProblem, check_directory_size, read_bounded
from publisher.files.regular import open_regular

MANIFEST = "META-INF/MANIFEST.MF"
MAX_TEXT = 2_000_000  # a manifest or pom.properties larger than this is no build's
# Manifest main headers that describe the build machine and moment, not the app. A toolchain
# change that matters (another JDK, another bnd) shows in the class entries anyway.
VOLATILE_HEADERS = frozenset(
    {"bnd-lastmodified", "build-jdk", "build-jdk-spec", "built-by", "created-by", "tool"}
)
_POM_PROPERTIES = re.compile(r"^META-INF/maven/[^/]+/[^/]+/pom\.properties$")


@dataclass(frozen=True)
class JarContent:
    """Entry name -> `crc:size` (`text:<sha256>` for a normalised manifest or pom.properties)."""

    entries: Mapping[str, str]

    def differences(self, other: JarContent) -> list[str]:
        """Every entry that differs, by name, said from `self`'s side ("this build")."""
        found = []
        for name in sorted(set(self.entries) | set(other.entries)):
            ours, theirs = self.entries.get(name), other.entries.get(name)
            if ours == theirs:
                continue
            if theirs is None:
                found.append(f"{name} (only in this build)")
            elif ours is None:
                found.append(f"{name} (only in the live artifact)")
            else:
                found.append(f"{name} ({_what_differs(ours, theirs)})")
        return found


def jar_content_of(path: Path) -> JarContent:
    """The fingerprint of the jar at `path` (opened as a regular file), or ArtifactProblem."""
    with open_regular(path) as handle:
        return jar_content(handle)


def jar_content(handle: BinaryIO) -> JarContent:
    """The fingerprint of the zip in `handle` (seekable), or ArtifactProblem."""
    check_directory_size(handle)
    try:
        with zipfile.ZipFile(handle) as archive:
            entries: dict[str, str] = {}
            for info in archive.infolist():
                name = _unique(entries, info.filename)
                entries[name] = _entry_print(archive, info)
            return JarContent(entries)
    except NotImplementedError as exc:
        raise ArtifactProblem(f"uses a zip feature jar readers do not support: {exc}") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError) as exc:
        raise ArtifactProblem(
            f"is not a valid jar/zip archive (truncated or damaged?): {exc}"
        ) from None


def _entry_print(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> str:
    if info.filename == MANIFEST:
        return _text_print(stable_manifest(read_bounded(archive, info, MAX_TEXT, "")))
    if _POM_PROPERTIES.match(info.filename):
        return _text_print(stable_properties(read_bounded(archive, info, MAX_TEXT, "")))
    return f"{info.CRC:08x}:{info.file_size}"


def _unique(entries: dict[str, str], name: str) -> str:
    """A zip may list one name twice; each copy is kept apart, in directory order."""
    found, count = name, 1
    while found in entries:
        count += 1
        found = f"{name} (copy {count})"
    return found


def _text_print(text: bytes) -> str:
    return "text:" + hashlib.sha256(text).hexdigest()


def _what_differs(ours: str, theirs: str) -> str:
    if ours.startswith("text:"):
        return "other content, volatile lines ignored"
    our_crc, our_size = ours.split(":")
    their_crc, their_size = theirs.split(":")
    if our_size != their_size:
        return f"{our_size} bytes here, {their_size} live"
    return f"CRC {our_crc} here, {their_crc} live"


def stable_manifest(raw: bytes) -> bytes:
    """The manifest as sections of sorted headers, continuation lines joined, CRLF read as LF,
    and the main section's volatile headers dropped (wrapping and order are a writer's choice)."""
    text = raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n").decode("utf-8", "replace")
    sections: list[list[str]] = [[]]
    for line in text.split("\n"):
        if line.startswith(" ") and sections[-1]:
            sections[-1][-1] += line[1:]
        elif line == "":
            if sections[-1]:
                sections.append([])
        else:
            sections[-1].append(line)
    main, *named = [s for s in sections if s] or [[]]
    main = [h for h in main if h.split(":", 1)[0].strip().lower() not in VOLATILE_HEADERS]
    kept = [sorted(main), *sorted(sorted(s) for s in named)]
    return "\n\n".join("\n".join(s) for s in kept).encode()


def stable_properties(raw: bytes) -> bytes:
    """pom.properties without its comment lines (Maven writes the build date in one)."""
    lines = raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
    return b"\n".join(line for line in lines if not line.lstrip().startswith((b"#", b"!")))


def from_json(entries: Mapping[str, object]) -> JarContent | None:
    """A recorded fingerprint, or None when the record is not one (a hint, not the truth)."""
    if not all(isinstance(v, str) for v in entries.values()):
        return None
    return JarContent({str(k): str(v) for k, v in entries.items()})
