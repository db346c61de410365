"""One host version's verdict on the plugin: the references it cannot resolve, the host API in use
that warns, the imports it cannot satisfy, and what could not be checked. Never a false
"compatible": a host class that cannot be read or a supertype outside the jars given makes the
verdict "incomplete", not "compatible"."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from publisher.bytecode.osgi import ImportFinding, check_imports
from publisher.bytecode.plugin import Plugin
from publisher.bytecode.resolve import MAX_USERS, Finding, Resolver
from publisher.bytecode.surface import Surface


@dataclass(frozen=True)
class HostResult:
    product: str
    version: str
    source: str  # the PATH given
    host_classes: int
    references: int  # references of the plugin's classes checked
    findings: tuple[Finding, ...]
    imports: tuple[ImportFinding, ...]
    unreadable: tuple[tuple[str, str], ...]

    @property
    def missing(self) -> list[Finding]:
        return [f for f in self.findings if f.is_error and f.kind != "unresolved"]

    @property
    def unresolved(self) -> list[Finding]:
        return [f for f in self.findings if f.kind == "unresolved"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if not f.is_error]

    @property
    def verdict(self) -> str:
        if self.missing or any(i.is_error for i in self.imports):
            return "breaks"
        return "incomplete" if self.unresolved or self.unreadable else "compatible"

    @property
    def name(self) -> str:
        return f"{self.product} {self.version}"

    def to_json(self) -> dict[str, Any]:
        return {
            "product": self.product,
            "version": self.version,
            "path": self.source,
            "result": self.verdict,
            "host_classes": self.host_classes,
            "references": self.references,
            "missing": [finding_json(f) for f in self.missing],
            "unresolved": [finding_json(f) for f in self.unresolved],
            "warnings": [finding_json(f) for f in self.warnings],
            "imports": [import_json(i) for i in self.imports],
            "unreadable": [{"where": w, "problem": p} for w, p in self.unreadable],
        }


def verify_host(plugin: Plugin, product: str, version: str, host: Surface) -> HostResult:
    resolver = Resolver(plugin.provided, host)
    findings = resolver.check(plugin.sources)
    imports = check_imports(plugin.headers.get("Import-Package", ""), host, plugin.packages())
    return HostResult(
        product,
        version,
        host.source,
        len(host.classes),
        resolver.checked,
        tuple(findings),
        tuple(imports),
        tuple(host.unreadable),
    )


def finding_json(finding: Finding) -> dict[str, Any]:
    users = sorted(finding.users)
    return {
        "kind": finding.kind,
        "reference": finding.target,
        "owner": finding.owner.replace("/", "."),
        "name": finding.name or None,
        "descriptor": finding.descriptor or None,
        "detail": finding.detail or None,
        "used_by": users[:MAX_USERS],
        "uses": len(users),
    }


def import_json(found: ImportFinding) -> dict[str, Any]:
    return {
        "package": found.package,
        "version_range": found.wanted or None,
        "exported": list(found.exported),
        "problem": found.problem,
        "message": found.message(),
    }
