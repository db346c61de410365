"""A host version's API surface: its classes with their supertypes, members and marks, and the
packages its jars export; read from the jars, or from a surface file written once and loaded by
a scheduled job instead of fetching the host again.

The surface file is gzipped JSON, versioned by `format` and `version`; anything else is refused.
"""

from __future__ import annotations

import gzip
import json
import os
import sys
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from publisher.bytecode.archive import Budget, entries
from publisher.bytecode.classfile import ACC_INTERFACE, ClassFile, read_summary
from publisher.bytecode.errors import ClassFileProblem
from publisher.bytecode.manifest import clauses, headers

FORMAT, VERSION = "mpac-publisher-surface", 1
INTERFACE = 1 << 8  # in `flags`, beside the marks
MAX_SURFACE_BYTES = 1 << 30  # inflated; a 100,000-class host takes ~25 MB


class SurfaceProblem(Exception):
    """A surface file that is not one this version of mpac-publisher wrote."""


@dataclass(slots=True)
class Known:
    """A class as resolution needs it."""

    super_name: str | None
    interfaces: tuple[str, ...]
    flags: int  # marks (DEPRECATED | INTERNAL | EXPERIMENTAL) | INTERFACE
    methods: dict[str, int]  # name + descriptor -> marks
    fields: dict[str, int]  # name + ":" + descriptor -> marks


def known(cls: ClassFile) -> Known:
    """Descriptors repeat across thousands of classes: interned, a host takes far less memory."""
    methods = {sys.intern(m.name + m.descriptor): m.marks for m in cls.methods}
    fields = {sys.intern(f"{f.name}:{f.descriptor}"): f.marks for f in cls.fields}
    flags = cls.marks | (INTERFACE if cls.is_interface else 0)
    return Known(cls.super_name, cls.interfaces, flags, methods, fields)


@dataclass
class Surface:
    source: str
    classes: dict[str, Known] = field(default_factory=dict)
    exports: dict[str, list[str]] = field(default_factory=dict)  # package -> versions exported
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (jar!entry, problem)
    _packages: set[str] | None = None

    def unreadable_classes(self) -> set[str]:
        """The names of the classes that could not be read, from their entries' paths."""
        return {where.rpartition("!")[2].removesuffix(".class") for where, _ in self.unreadable}

    def packages(self) -> set[str]:
        """Packages (dotted) that have at least one class."""
        if self._packages is None:
            self._packages = {n.rpartition("/")[0].replace("/", ".") for n in self.classes}
        return self._packages


def read_surface(path: Path, budget: Budget | None = None) -> Surface:
    """The surface of a jar, a directory of jars, or a surface file (raises ArchiveProblem)."""
    if path.is_file() and _is_surface_file(path):
        return load_surface(path)
    surface = Surface(str(path))
    for entry in entries(path, budget):
        if entry.bundled:
            continue  # a bundled plugin's own libraries are private to it (OSGi)
        if entry.manifest:
            _exports(surface, headers(entry.data))
            continue
        try:
            cls = read_summary(entry.data)
        except ClassFileProblem as exc:
            surface.unreadable.append((entry.where, str(exc)))
            continue
        if cls.name not in surface.classes:  # the first of duplicates, as on a class path
            flags = cls.marks | (INTERFACE if cls.access & ACC_INTERFACE else 0)
            surface.classes[cls.name] = Known(
                cls.super_name, cls.interfaces, flags, cls.methods, cls.fields
            )
    return surface


def _exports(surface: Surface, found: dict[str, str]) -> None:
    for clause in clauses(found.get("Export-Package", "")):
        versions = surface.exports.setdefault(clause.package, [])
        versions.append(clause.attributes.get("version", "0.0.0"))


def _is_surface_file(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(2) == b"\x1f\x8b"


def save_surface(surface: Surface, path: Path) -> None:
    """Write atomically: a scheduled job killed mid-write leaves the previous file."""
    document = {
        "format": FORMAT,
        "version": VERSION,
        "source": surface.source,
        "classes": {name: _class_json(k) for name, k in sorted(surface.classes.items())},
        "exports": surface.exports,
        "unreadable": surface.unreadable,
    }
    partial = path.with_name(f".{path.name}.partial")
    with gzip.open(partial, "wt", encoding="utf-8", compresslevel=6) as out:
        json.dump(document, out, separators=(",", ":"))
    os.replace(partial, path)


def _class_json(k: Known) -> list[Any]:
    marked = {n: m for n, m in (*k.methods.items(), *k.fields.items()) if m}
    return [k.super_name, list(k.interfaces), k.flags, list(k.methods), list(k.fields), marked]


def load_surface(path: Path) -> Surface:
    try:
        with gzip.open(path, "rb") as handle:
            raw = handle.read(MAX_SURFACE_BYTES + 1)
        if len(raw) > MAX_SURFACE_BYTES:
            raise SurfaceProblem(f"inflates past {MAX_SURFACE_BYTES} bytes")
        document = json.loads(raw)
    except (OSError, EOFError, zlib.error, ValueError) as exc:
        raise SurfaceProblem(f"is not a readable surface file: {exc}") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise SurfaceProblem("is gzip, but not a surface file written by `compat surface`")
    if document.get("version") != VERSION:
        raise SurfaceProblem(
            f"is a surface file of version {document.get('version')!r}; this mpac-publisher "
            f"reads version {VERSION}: write it again with `compat surface`"
        )
    try:
        return _surface_from(document)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        raise SurfaceProblem(f"is a damaged surface file: {exc!r}") from None


def _surface_from(document: dict[str, Any]) -> Surface:
    surface = Surface(str(document["source"]))
    for name, (super_name, interfaces, flags, methods, fields, marked) in document[
        "classes"
    ].items():
        method_marks = {sys.intern(m): int(marked.get(m, 0)) for m in methods}
        field_marks = {sys.intern(f): int(marked.get(f, 0)) for f in fields}
        if super_name is not None and not isinstance(super_name, str):
            raise ValueError(f"class {name}: super is not a name")
        surface.classes[str(name)] = Known(
            super_name, tuple(map(str, interfaces)), int(flags), method_marks, field_marks
        )
    surface.exports = {str(p): [str(v) for v in vs] for p, vs in document["exports"].items()}
    surface.unreadable = [(str(w), str(p)) for w, p in document["unreadable"]]
    return surface
