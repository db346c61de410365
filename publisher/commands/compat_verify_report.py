"""`compat verify` and `compat surface` results as documents: the --json body (schemas
compat-verify.json and compat-surface.json), the job summary's tables, and the annotations, at
release.yml's `max:` of the product whose claim they concern."""

from __future__ import annotations

import json
from pathlib import Path

from publisher.bytecode.plugin import Plugin
from publisher.bytecode.resolve import Finding
from publisher.bytecode.surface import Surface
from publisher.bytecode.verdict import HostResult
from publisher.config.model import Release
from publisher.diagnostics import Diagnostic, error, warning
from publisher.errors import ExitCode
from publisher.outcome import CommandReport
from publisher.report.document import md_table
from publisher.words import plural

MAX_ANNOTATIONS = 10  # of each severity kept in the document; --json's `hosts` has them all
MAX_ROWS = 100  # per host in the job summary (1 MiB per step); --json has them all
_SHOWN_USERS = 3


def verify_report(
    release: Release, plugin: Plugin, results: tuple[HostResult, ...], found: list[Diagnostic]
) -> CommandReport:
    """`found` is every diagnostic (from `diagnostics_of`); the document keeps the first few."""
    verdicts = [r.verdict for r in results]
    worst = next((v for v in ("breaks", "incomplete") if v in verdicts), "compatible")
    code = ExitCode.OK if worst == "compatible" else ExitCode.COMPAT_BREAKS
    headline = (
        f"{release.app} {release.version}: {_said(results)}"
        if worst != "compatible"
        else f"{release.app} {release.version} resolves every reference on "
        f"{', '.join(r.name for r in results)}"
    )
    return CommandReport(
        "compat verify",
        worst,
        int(code),
        body={
            "app": release.app,
            "build": release.build,
            "artifact": release.artifact.display,
            "classes": len(plugin.sources),
            "bundled_classes": plugin.bundled,
            "hosts": [r.to_json() for r in results],
        },
        headline=headline,
        markdown="\n".join(_host_markdown(r) for r in results),
        outputs_=_outputs(results),
        diagnostics=_capped([d for d in found if d.is_error], "error")
        + _capped([d for d in found if not d.is_error], "warning"),
    )


def _outputs(results: tuple[HostResult, ...]) -> dict[str, str]:
    """`breaking`: `jira 11.0.0, ...`; `breaking-json`: for a workflow's matrix or issue."""
    bad = [r for r in results if r.verdict != "compatible"]
    listed = [{"product": r.product, "version": r.version, "result": r.verdict} for r in bad]
    return {"breaking": ", ".join(r.name for r in bad), "breaking-json": json.dumps(listed)}


def _said(results: tuple[HostResult, ...]) -> str:
    parts = []
    for r in results:
        if r.verdict == "compatible":
            continue
        errors = len(r.missing) + sum(1 for i in r.imports if i.is_error)
        parts.append(
            f"{r.name} breaks ({errors} missing or unsatisfied)"
            if r.verdict == "breaks"
            else f"{r.name} could not be fully checked ({len(r.unresolved)} unresolved, "
            f"{len(r.unreadable)} unreadable host classes)"
        )
    return "; ".join(parts)


def diagnostics_of(release: Release, results: tuple[HostResult, ...]) -> list[Diagnostic]:
    """One per finding, at release.yml's `max:` of the product: the claim it concerns."""
    keys = {c.product.lower(): c.key for c in release.compatibility}
    errors: list[Diagnostic] = []
    warnings: list[Diagnostic] = []
    for r in results:
        key = (*keys[r.product], "max")
        where, named = release.locate(key), _key_name(key)
        for f in r.missing + r.unresolved:
            errors.append(error(f"{r.name}: {finding_line(f)}", where, named))
        for i in r.imports:
            (errors if i.is_error else warnings).append(
                (error if i.is_error else warning)(f"{r.name}: {i.message()}", where, named)
            )
        for w, p in r.unreadable:
            errors.append(
                error(f"{r.name}: host class unreadable, not checked: {w}: {p}", where, named)
            )
        for f in r.warnings:
            warnings.append(warning(f"{r.name}: {finding_line(f)}", where, named))
    return errors + warnings


def _capped(found: list[Diagnostic], severity: str) -> tuple[Diagnostic, ...]:
    if len(found) <= MAX_ANNOTATIONS:
        return tuple(found)
    more = len(found) - MAX_ANNOTATIONS + 1
    rest = f"and {more} more {severity}s: the job summary and --json list every one"
    make = error if severity == "error" else warning
    return (*found[: MAX_ANNOTATIONS - 1], make(rest, found[0].location, found[0].key))


def _key_name(key: tuple[str | int, ...]) -> str:
    return "".join(
        f"[{k}]" if isinstance(k, int) else (f".{k}" if i else k) for i, k in enumerate(key)
    )


_WORDS = {
    "missing-class": "missing class",
    "missing-method": "missing method",
    "missing-field": "missing field",
    "unresolved": "cannot be resolved with the jars given",
    "deprecated": "deprecated",
    "internal": "@Internal (not API)",
    "experimental": "@ExperimentalApi",
}


def finding_line(f: Finding) -> str:
    users = sorted(f.users)
    shown = ", ".join(users[:_SHOWN_USERS]) + (
        f" and {len(users) - _SHOWN_USERS} more" if len(users) > _SHOWN_USERS else ""
    )
    detail = f" (supertype {f.detail} is in none of them)" if f.detail else ""
    return f"{_WORDS[f.kind]} {f.target}{detail}, used by {shown}"


def _host_markdown(r: HostResult) -> str:
    checked = f"{r.references} references checked against {r.host_classes} host classes."
    head = f"### {r.name}: {r.verdict}\n\n{checked}\n"
    rows = [[_WORDS[f.kind], f.target, _users_cell(f)] for f in r.findings]
    rows += [["Import-Package", i.package, i.message()] for i in r.imports]
    rows += [["unreadable host class", w, p] for w, p in r.unreadable]
    if not rows:
        return head
    note = f"\n{len(rows) - MAX_ROWS} more rows: see --json\n" if len(rows) > MAX_ROWS else ""
    return f"{head}\n{md_table(['finding', 'reference', 'used by'], rows[:MAX_ROWS])}{note}"


def _users_cell(f: Finding) -> str:
    users = sorted(f.users)
    more = f" and {len(users) - _SHOWN_USERS} more" if len(users) > _SHOWN_USERS else ""
    return ", ".join(users[:_SHOWN_USERS]) + more


def surface_report(found: Surface, output: Path) -> CommandReport:
    return CommandReport(
        "compat surface",
        "written",
        int(ExitCode.OK),
        body={
            "path": found.source,
            "file": str(output),
            "classes": len(found.classes),
            "exported_packages": len(found.exports),
            "unreadable": [{"where": w, "problem": p} for w, p in found.unreadable],
        },
        headline=f"{output}: {plural(len(found.classes), 'class', 'classes')}, "
        f"{plural(len(found.exports), 'exported package')}",
        outputs_={"file": str(output)},
    )
