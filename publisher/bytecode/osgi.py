"""The plugin manifest's OSGi Import-Package entries against what a host's jars export: an entry
no jar exports in the required version range is a bundle that will not resolve on that host."""

from __future__ import annotations

from dataclasses import dataclass

from publisher.bytecode.jdk import is_jdk_package
from publisher.bytecode.manifest import clauses, version, version_range
from publisher.bytecode.surface import Surface


@dataclass(frozen=True)
class ImportFinding:
    package: str
    wanted: str  # the version range as written ("" when none)
    exported: tuple[str, ...]  # the versions the host's jars export it at
    problem: str  # "not-exported", "version", "bad-range" (errors); "unversioned" (a warning)

    @property
    def is_error(self) -> bool:
        return self.problem != "unversioned"

    def message(self) -> str:
        wanted = f" {self.wanted}" if self.wanted else ""
        if self.problem == "version":
            return (
                f"Import-Package {self.package}{wanted}: the host exports only "
                f"{', '.join(self.exported)}"
            )
        if self.problem == "bad-range":
            return f"Import-Package {self.package}: {self.wanted!r} is not an OSGi version range"
        if self.problem == "unversioned":
            return (
                f"Import-Package {self.package}{wanted}: no jar's manifest exports it, but the "
                "host has its classes (the system bundle may export it): the range is not checked"
            )
        return f"Import-Package {self.package}{wanted}: no host jar exports it"


def check_imports(header: str, host: Surface, own: set[str]) -> list[ImportFinding]:
    """Each non-optional import that the host does not satisfy; own packages and the JDK's aside."""
    found = []
    for clause in clauses(header):
        package, wanted = clause.package, clause.attributes.get("version", "")
        optional = clause.attributes.get("resolution") == "optional"
        if optional or "*" in package or package in own or is_jdk_package(package):
            continue
        accepted = version_range(wanted)
        exported = tuple(host.exports.get(package, ()))
        if accepted is None:
            found.append(ImportFinding(package, wanted, exported, "bad-range"))
        elif not exported:
            kind = "unversioned" if package in host.packages() else "not-exported"
            found.append(ImportFinding(package, wanted, (), kind))
        elif not any(version(v) in accepted for v in exported):
            found.append(ImportFinding(package, wanted, exported, "version"))
    return found
