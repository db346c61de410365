"""The plugin's references against one host version: resolved as the JVM links them (JVMS 5.4.3)
through superclasses and interfaces across the plugin's own classes (bundled libraries included),
the host's and the JDK's. What does not resolve is a finding, with the plugin methods using it;
so are uses of host API marked @Deprecated, @Internal or @ExperimentalApi."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from publisher.bytecode.classfile import DEPRECATED, EXPERIMENTAL, INTERNAL, ClassFile, Use
from publisher.bytecode.jdk import OBJECT, OBJECT_METHODS, is_jdk
from publisher.bytecode.surface import Known, Surface

ERRORS = ("missing-class", "missing-method", "missing-field", "unresolved")
WARNINGS = {DEPRECATED: "deprecated", INTERNAL: "internal", EXPERIMENTAL: "experimental"}
MAX_USERS = 20  # plugin methods named per finding; `uses` counts them all
_MAX_HIERARCHY = 10_000  # supertypes visited for one lookup: a cycle in hostile jars ends here
_JDK = Known(None, (), 0, {}, {})  # stands for any JDK class: its members are taken as present


@dataclass
class Finding:
    kind: str  # ERRORS, or deprecated / internal / experimental
    owner: str  # internal class name
    name: str = ""  # member name; "" for a class
    descriptor: str = ""
    detail: str = ""  # unresolved: which supertype is in none of the jars given
    users: set[str] = field(default_factory=set)

    @property
    def is_error(self) -> bool:
        return self.kind in ERRORS

    @property
    def target(self) -> str:
        """`com.example.Service.find(long)`, `com.example.Service.COUNT`, or the class."""
        owner = self.owner.replace("/", ".")
        if not self.name:
            return owner
        if self.descriptor.startswith("("):
            return f"{owner}.{self.name}({', '.join(parameter_types(self.descriptor))})"
        return f"{owner}.{self.name}"


@dataclass(frozen=True)
class _Lookup:
    found: Known | None  # the declaring class; _JDK when the JDK's (taken as present)
    marks: int = 0
    broken: str | None = None  # a supertype in none of the jars, and whose supertype it is


class Resolver:
    """One host version's view of the world, as the plugin sees it at run time."""

    def __init__(self, plugin: dict[str, Known], host: Surface) -> None:
        self.plugin, self.host = plugin, host
        self.unreadable = host.unreadable_classes()  # neither present nor missing: unknown
        self.findings: dict[tuple[str, str, str, str], Finding] = {}
        self.checked = 0

    def check(self, classes: Iterable[ClassFile]) -> list[Finding]:
        for cls in classes:
            for use in cls.uses:
                self.checked += 1
                self._check(use, _user(cls.name, use.user))
        order = {kind: i for i, kind in enumerate((*ERRORS, *WARNINGS.values()))}
        return sorted(self.findings.values(), key=lambda f: (order[f.kind], f.target))

    def _class(self, name: str) -> Known | None:
        if name.startswith("java/"):
            return _JDK
        found = self.plugin.get(name)
        if found is not None:
            return found
        return _JDK if is_jdk(name) else self.host.classes.get(name)

    def _check(self, use: Use, user: str) -> None:
        cls = self._class(use.owner)
        if cls is None and use.owner in self.unreadable:
            detail = f"{use.owner} (its class file in the host jars cannot be read)"
            self._add("unresolved", use.owner, user, use.name, use.descriptor, detail)
            return
        if cls is None:
            self._add("missing-class", use.owner, user)
            return
        if use.kind == "class":
            self._warn(cls.flags, use.owner, "", "", user)
            return
        key = use.name + use.descriptor if use.kind != "field" else f"{use.name}:{use.descriptor}"
        found = self._member(use.owner, cls, key, use.kind)
        if found.broken is not None:
            self._add("unresolved", use.owner, user, use.name, use.descriptor, found.broken)
        elif found.found is None:
            kind = "missing-field" if use.kind == "field" else "missing-method"
            self._add(kind, use.owner, user, use.name, use.descriptor)
        else:
            self._warn(found.marks, use.owner, use.name, use.descriptor, user)

    def _member(self, owner: str, cls: Known, key: str, kind: str) -> _Lookup:
        """Look `key` up in `owner` and its supertypes, the superclasses first."""
        members = _fields if kind == "field" else _methods
        if cls is _JDK:
            return _Lookup(_JDK)
        if key.startswith("<"):  # constructors and initialisers are never inherited
            return _declared(cls, members(cls), key)
        queue, seen = [(owner, cls)], {owner}
        while queue and len(seen) < _MAX_HIERARCHY:
            name, current = queue.pop(0)
            if current is _JDK:
                if name != OBJECT or kind == "field" or key in OBJECT_METHODS:
                    return _Lookup(_JDK)
                continue
            if key in members(current):
                return _declared(current, members(current), key)
            supers = ([current.super_name] if current.super_name else []) + list(current.interfaces)
            for parent in supers:
                if parent in seen:
                    continue
                seen.add(parent)
                known = self._class(parent)
                if known is None and parent in self.unreadable:
                    return _Lookup(None, broken=f"{parent} (unreadable, a supertype of {name})")
                if known is None:
                    if name in self.plugin:  # the plugin's own class extends a missing one
                        self._add("missing-class", parent, name.replace("/", "."))
                        return _Lookup(_JDK)
                    return _Lookup(None, broken=f"{parent} (a supertype of {name})")
                queue.append((parent, known))
        return _Lookup(None)

    def _warn(self, marks: int, owner: str, name: str, descriptor: str, user: str) -> None:
        if owner in self.plugin or not marks:
            return
        for mark, kind in WARNINGS.items():
            if marks & mark:
                self._add(kind, owner, user, name, descriptor)

    def _add(
        self,
        kind: str,
        owner: str,
        user: str,
        name: str = "",
        descriptor: str = "",
        detail: str = "",
    ) -> None:
        key = (kind, owner, name, descriptor)
        finding = self.findings.get(key)
        if finding is None:
            finding = self.findings[key] = Finding(kind, owner, name, descriptor, detail)
        finding.users.add(user)


def _fields(cls: Known) -> dict[str, int]:
    return cls.fields


def _methods(cls: Known) -> dict[str, int]:
    return cls.methods


def _declared(cls: Known, members: dict[str, int], key: str) -> _Lookup:
    if key not in members:
        return _Lookup(None)
    return _Lookup(cls, members[key] | (cls.flags & (DEPRECATED | INTERNAL | EXPERIMENTAL)))


def _user(cls: str, method: str) -> str:
    """`com.example.plugin.Export.run(long)`, or the class when no method's code names it."""
    dotted = cls.replace("/", ".")
    if not method:
        return dotted
    name, _, rest = method.partition("(")
    return f"{dotted}.{name}({', '.join(parameter_types('(' + rest))})"


_PRIMITIVES = {
    "B": "byte",
    "C": "char",
    "D": "double",
    "F": "float",
    "I": "int",
    "J": "long",
    "S": "short",
    "Z": "boolean",
    "V": "void",
}


def parameter_types(descriptor: str) -> list[str]:
    """`(J[Ljava/lang/String;)V` -> ["long", "java.lang.String[]"]."""
    inside = descriptor[1 : descriptor.find(")")] if ")" in descriptor else ""
    found, at = [], 0
    while at < len(inside):
        dims = 0
        while at < len(inside) and inside[at] == "[":
            dims, at = dims + 1, at + 1
        if at < len(inside) and inside[at] == "L":
            end = inside.find(";", at)
            end = len(inside) if end < 0 else end
            name, at = inside[at + 1 : end].replace("/", "."), end + 1
        else:
            name, at = _PRIMITIVES.get(inside[at : at + 1], "?"), at + 1
        found.append(name + "[]" * dims)
    return found
