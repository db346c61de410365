"""One class file, read as the JVM links it (JVMS chapter 4): its name, superclass and interfaces,
its fields and methods with descriptors, access flags and deprecation marks, and, when asked, the
classes, methods and fields its bytecode refers to, each with the method that uses it.

The bytes are hostile until proven otherwise: every read is bounds-checked, every constant pool
index is checked against the pool and its entry's kind, annotation nesting is bounded, and any
failure is a ClassFileProblem naming the byte it happened at, never an IndexError.
"""

from __future__ import annotations

import struct
import sys
from typing import NamedTuple

from publisher.bytecode.errors import ClassFileProblem
from publisher.bytecode.instructions import pool_indexes

DEPRECATED, INTERNAL, EXPERIMENTAL = 1, 2, 4  # marks: what a host API element warns of
ACC_INTERFACE = 0x0200
_MAGIC = 0xCAFEBABE
_MARKS = {
    "Ljava/lang/Deprecated;": DEPRECATED,
    "Lcom/atlassian/annotations/Internal;": INTERNAL,
    "Lcom/atlassian/annotations/ExperimentalApi;": EXPERIMENTAL,
}
_ANNOTATIONS = ("RuntimeVisibleAnnotations", "RuntimeInvisibleAnnotations")
_MAX_NESTING = 32  # annotations inside annotations; javac code never comes close
# Constant pool tag -> the bytes after it (0: no such tag; Utf8 is variable; Long and Double
# take two slots).
_WIDTHS = bytes([0, 0, 0, 4, 4, 8, 8, 2, 2, 4, 4, 4, 4, 0, 0, 3, 2, 4, 4, 2, 2]) + bytes(235)
_MEMBER_REFS = {9: "field", 10: "method", 11: "interface-method"}
_U2, _U4 = struct.Struct(">H"), struct.Struct(">I")
_HH, _HHHH, _HI = struct.Struct(">HH"), struct.Struct(">HHHH"), struct.Struct(">HI")


class Member(NamedTuple):  # a tuple: a host has a million of them, made fast
    name: str
    descriptor: str
    access: int
    marks: int  # DEPRECATED | INTERNAL | EXPERIMENTAL


class Use(NamedTuple):
    """A reference the class makes: kind "class", "field", "method" or "interface-method"."""

    kind: str
    owner: str  # internal name, e.g. com/example/host/IssueService
    name: str  # "" for a class
    descriptor: str  # "" for a class
    user: str  # the method using it ("name(desc)"), or "" when only the class level does


class ClassFile(NamedTuple):  # immutable; a tuple because a host has 100,000
    name: str
    super_name: str | None
    interfaces: tuple[str, ...]
    access: int
    marks: int
    fields: tuple[Member, ...]
    methods: tuple[Member, ...]
    uses: tuple[Use, ...] = ()

    @property
    def is_interface(self) -> bool:
        return bool(self.access & ACC_INTERFACE)


class Summary(NamedTuple):
    """What resolution needs of a host class, read with a third less work than a ClassFile."""

    name: str
    super_name: str | None
    interfaces: tuple[str, ...]
    access: int
    marks: int
    fields: dict[str, int]  # name + ":" + descriptor -> marks
    methods: dict[str, int]  # name + descriptor -> marks


def read_summary(data: bytes) -> Summary:
    try:
        return _Parser(data).summary()
    except (struct.error, IndexError):
        raise ClassFileProblem("truncated: the file ends inside a structure", len(data)) from None


def read_class(data: bytes, *, with_uses: bool = False) -> ClassFile:
    """Parse one class file; `with_uses` also collects its references (the plugin's classes)."""
    try:
        return _Parser(data).parse(with_uses)
    except (struct.error, IndexError):
        raise ClassFileProblem("truncated: the file ends inside a structure", len(data)) from None


class _Parser:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.at = 0
        self.pool: list[object] = []
        self.code: dict[int, str] = {}  # constant pool index -> the first method whose code uses it

    def u1(self) -> int:
        self._need(1)
        self.at += 1
        return self.data[self.at - 1]

    def u2(self) -> int:
        self._need(2)
        self.at += 2
        return int(_U2.unpack_from(self.data, self.at - 2)[0])

    def u4(self) -> int:
        self._need(4)
        self.at += 4
        return int(_U4.unpack_from(self.data, self.at - 4)[0])

    def _need(self, count: int) -> None:
        if self.at + count > len(self.data):
            raise ClassFileProblem(f"truncated: {count} more bytes needed", self.at)

    def parse(self, with_uses: bool) -> ClassFile:
        access, name, super_name, interfaces = self._head(with_uses)
        fields = self._members(with_uses=False)
        methods = self._members(with_uses=with_uses)
        marks = self._attributes(None)
        uses = self._uses(fields, methods) if with_uses else ()
        return ClassFile(name, super_name, interfaces, access, marks, fields, methods, uses)

    def summary(self) -> Summary:
        access, name, super_name, interfaces = self._head(False)
        fields, methods = self._marks(":"), self._marks("")
        return Summary(
            name, super_name, interfaces, access, self._attributes(None), fields, methods
        )

    def _head(self, with_uses: bool) -> tuple[int, str, str | None, tuple[str, ...]]:
        if len(self.data) < 10 or self.u4() != _MAGIC:
            raise ClassFileProblem("not a class file (no 0xCAFEBABE magic)", 0)
        self.at = 8  # minor and major version: any is read, newer ones add no new pool layout
        self._read_pool(with_uses)
        access, this_index, super_index, count = _HHHH.unpack_from(self.data, self.at)
        self.at += 8
        name = self.class_name(this_index)
        super_name = self.class_name(super_index) if super_index else None
        return access, name, super_name, tuple(self.class_name(self.u2()) for _ in range(count))

    def _read_pool(self, with_uses: bool) -> None:
        """The hot loop of reading a host: locals only, the entries resolution needs kept."""
        count = self.u2()
        pool: list[object] = [None] * max(count, 1)
        data, at, index, size = self.data, self.at, 1, len(self.data)
        u2, pair = _U2.unpack_from, _HH.unpack_from
        while index < count:
            tag = data[at] if at < size else -1
            if tag == 1:
                end = at + 3 + u2(data, at + 1)[0]
                if end > size:
                    raise ClassFileProblem(f"truncated in constant pool entry {index}", at)
                pool[index] = _modified_utf8(data[at + 3 : end], at)
                at = end
                index += 1
                continue
            width = _WIDTHS[tag] if tag >= 0 else 0
            if not width:
                what = "the file ends" if tag < 0 else f"unknown tag {tag}"
                raise ClassFileProblem(f"constant pool entry {index} of {count - 1}: {what}", at)
            if at + 1 + width > size:
                raise ClassFileProblem(f"truncated in constant pool entry {index}", at)
            if tag == 7:
                pool[index] = (7, u2(data, at + 1)[0], 0)
            elif with_uses and 9 <= tag <= 12:  # only the plugin's references are followed
                pool[index] = (tag, *pair(data, at + 1))
            at += 1 + width
            index += 2 if tag in (5, 6) else 1  # a long or double takes two slots
        self.pool, self.at = pool, at

    def entry(self, index: int, tag: int) -> tuple[int, int, int]:
        found = self.pool[index] if 0 < index < len(self.pool) else None
        if not isinstance(found, tuple) or found[0] != tag:
            self._bad_index(index, _TAG_NAMES[tag])
        return found  # type: ignore[return-value]

    def utf8(self, index: int) -> str:
        found = self.pool[index] if 0 < index < len(self.pool) else None
        if not isinstance(found, str):
            self._bad_index(index, "Utf8")
        return found  # type: ignore[return-value]

    def class_name(self, index: int) -> str:
        return self.utf8(self.entry(index, 7)[1])

    def _bad_index(self, index: int, kind: str) -> None:
        if not 0 < index < len(self.pool):
            entries = len(self.pool) - 1
            problem = (
                f"constant pool index {index} is out of range (the pool has {entries} entries)"
            )
        else:
            problem = f"constant pool index {index} is not a {kind} entry"
        raise ClassFileProblem(problem, self.at)

    def _members(self, *, with_uses: bool) -> tuple[Member, ...]:
        members = []
        data, pool, entries, attributes = self.data, self.pool, len(self.pool), self._attributes
        for _ in range(self.u2()):
            access, name_index, descriptor_index, count = _HHHH.unpack_from(data, self.at)
            name = pool[name_index] if 0 < name_index < entries else None
            descriptor = pool[descriptor_index] if 0 < descriptor_index < entries else None
            if type(name) is not str or type(descriptor) is not str:
                self._bad_index(name_index if type(name) is not str else descriptor_index, "Utf8")
            self.at += 6  # the attribute count is read again by _attributes when there are any
            if count:
                marks = attributes(f"{name}{descriptor}" if with_uses else None)
            else:
                marks, self.at = 0, self.at + 2
            members.append(Member(name, descriptor, access, marks))  # type: ignore[arg-type]
        return tuple(members)

    def _marks(self, separator: str) -> dict[str, int]:
        """Members as resolution keys them (name + separator + descriptor) -> marks."""
        found = {}
        data, pool, entries, attributes, intern = (
            self.data,
            self.pool,
            len(self.pool),
            self._attributes,
            sys.intern,
        )
        for _ in range(self.u2()):
            _, name_index, descriptor_index, count = _HHHH.unpack_from(data, self.at)
            name = pool[name_index] if 0 < name_index < entries else None
            descriptor = pool[descriptor_index] if 0 < descriptor_index < entries else None
            if type(name) is not str or type(descriptor) is not str:
                self._bad_index(name_index if type(name) is not str else descriptor_index, "Utf8")
            self.at += 6
            if count:
                marks = attributes(None)
            else:
                marks, self.at = 0, self.at + 2
            found[intern(f"{name}{separator}{descriptor}")] = marks
        return found

    def _attributes(self, code_user: str | None) -> int:
        """Skip the attributes, returning the marks found; a method's Code is scanned if wanted."""
        marks = 0
        data, size, pool, entries = self.data, len(self.data), self.pool, len(self.pool)
        for _ in range(self.u2()):
            index, length = _HI.unpack_from(data, self.at)
            name = pool[index] if 0 < index < entries else None
            if type(name) is not str:
                self._bad_index(index, "Utf8")
            self.at += 6
            end = self.at + length
            if end > size:
                raise ClassFileProblem(f"truncated: {name} attribute of {length} bytes", self.at)
            if name == "Deprecated":
                marks |= DEPRECATED
            elif name in _ANNOTATIONS:
                marks |= self._annotation_marks()
            elif name == "Code" and code_user is not None:
                self._scan_code(code_user, end)
            self.at = end
        return marks

    def _annotation_marks(self) -> int:
        marks = 0
        for _ in range(self.u2()):
            marks |= _MARKS.get(self.utf8(self.u2()), 0)
            self._skip_pairs(0)
        return marks

    def _skip_pairs(self, depth: int) -> None:
        if depth > _MAX_NESTING:
            raise ClassFileProblem(f"annotations nested deeper than {_MAX_NESTING}", self.at)
        for _ in range(self.u2()):
            self.u2()
            self._skip_value(depth)

    def _skip_value(self, depth: int) -> None:
        tag = chr(self.u1())
        if tag in "BCDFIJSZsc":
            self.u2()
        elif tag == "e":
            self.u4()
        elif tag == "@":
            self.u2()
            self._skip_pairs(depth + 1)
        elif tag == "[":
            if depth > _MAX_NESTING:
                raise ClassFileProblem(f"annotations nested deeper than {_MAX_NESTING}", self.at)
            for _ in range(self.u2()):
                self._skip_value(depth + 1)
        else:
            raise ClassFileProblem(f"unknown annotation element tag {tag!r}", self.at - 1)

    def _scan_code(self, user: str, end: int) -> None:
        self.u2(), self.u2()  # max_stack, max_locals
        length = self.u4()
        if self.at + length > end:
            raise ClassFileProblem("a method's code runs past its Code attribute", self.at)
        for index in pool_indexes(self.data, self.at, length):
            self.code.setdefault(index, user)

    def _uses(self, fields: tuple[Member, ...], methods: tuple[Member, ...]) -> tuple[Use, ...]:
        found: dict[tuple[str, str, str, str], str] = {}
        for index, item in enumerate(self.pool):  # a member's class is used where the member is
            if isinstance(item, tuple) and item[0] in _MEMBER_REFS and index in self.code:
                self.code.setdefault(item[1], self.code[index])
        for index, item in enumerate(self.pool):
            if not isinstance(item, tuple):
                continue
            user = self.code.get(index, "")
            if item[0] == 7:
                _add_type(found, _element(self.utf8(item[1])), user)
            elif item[0] in _MEMBER_REFS:
                owner = _element(self.class_name(item[1]))
                nat = self.entry(item[2], 12)
                name, descriptor = self.utf8(nat[1]), self.utf8(nat[2])
                if owner is not None:
                    found.setdefault((_MEMBER_REFS[item[0]], owner, name, descriptor), user)
                _add_descriptor(found, descriptor, user)
        for member in (*fields, *methods):
            _add_descriptor(found, member.descriptor, f"{member.name}{member.descriptor}")
        return tuple(Use(k, o, n, d, user) for (k, o, n, d), user in found.items())


_TAG_NAMES = {7: "Class", 12: "NameAndType"}


def _modified_utf8(raw: bytes, at: int) -> str:
    """Java's modified UTF-8: NUL as C0 80, supplementary characters as surrogate pairs."""
    try:
        return raw.decode()  # the common case, at C speed; the rest below
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:
        try:
            return raw.replace(b"\xc0\x80", b"\x00").decode("utf-8", "surrogatepass")
        except UnicodeDecodeError:
            raise ClassFileProblem("a Utf8 constant is not modified UTF-8", at) from None


def _element(name: str) -> str | None:
    """The class an array class names (`[[Lx/Y;` -> `x/Y`); None for arrays of primitives."""
    if not name.startswith("["):
        return name
    stripped = name.lstrip("[")
    return stripped[1:-1] if stripped.startswith("L") and stripped.endswith(";") else None


def _add_type(found: dict[tuple[str, str, str, str], str], name: str | None, user: str) -> None:
    if name is not None:
        found.setdefault(("class", name, "", ""), user)


def _add_descriptor(
    found: dict[tuple[str, str, str, str], str], descriptor: str, user: str
) -> None:
    """Every class a field or method descriptor names: linking them needs those classes too."""
    start = descriptor.find("L")
    while start >= 0:
        end = descriptor.find(";", start)
        if end < 0:
            return
        _add_type(found, descriptor[start + 1 : end], user)
        start = descriptor.find("L", end)
