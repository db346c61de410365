"""The result document of a publish: the plan and what the execution did -> RunReport (what each
hosting's version and listing became, the uploads, the ids, the time spent)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from publisher.config.model import Release
from publisher.diagnostics import Diagnostic
from publisher.errors import PartialPublishError, PublisherError
from publisher.outcome import DocumentChange, HostingResult, RunReport, Upload
from publisher.publish.context import Execution
from publisher.publish.model import DocumentPlan, Plan

VersionUrl = Callable[[str, int], str]  # (app software id, build) -> the version's API URL


@dataclass(frozen=True)
class RunFacts:
    """How the run went, beside its plan and execution: what the command was and what it cost."""

    command: str
    config: str
    dry_run: bool
    elapsed: float
    requests: int
    version_url: VersionUrl | None  # None: nothing was read from Marketplace (offline dry run)


def outcome(execution: Execution) -> str:
    """created, updated or unchanged: the most a finished execution did to any document."""
    actions = [c.action for pair in execution.changes.values() for c in pair if c]
    if "create" in actions:
        return "created"
    if "update" in actions:
        return "updated"
    return "unchanged"


def run_report(
    facts: RunFacts,
    release: Release,
    plan: Plan | None,
    execution: Execution | None,
    result: str,
    exit_code: int,
    exc: PublisherError | None = None,
    diagnostics: tuple[Diagnostic, ...] = (),
) -> RunReport:
    planned_id = plan.artifact.reuse_id if plan else None
    artifact_id = execution.artifact_id if execution else planned_id
    return RunReport(
        command=facts.command,
        config=facts.config,
        result=result,
        exit_code=exit_code,
        app=release.app,
        version=release.version,
        build=release.build,
        dry_run=facts.dry_run,
        hostings=_hostings(release, plan, execution, facts.version_url),
        uploads=_uploads(plan, execution, facts.dry_run),
        artifact_id=artifact_id,
        waited_seconds=execution.waited if execution else 0.0,
        elapsed_seconds=max(0.0, facts.elapsed),
        requests=facts.requests,
        diagnostics=diagnostics,
        error=exc.message if exc else None,
        advice=next_step(exc, diagnostics),
        notes=(plan.notes if plan else ()) + tuple(execution.notes if execution else ()),
        artifact_path=_local_artifact(facts, release, plan) if exit_code == 0 else None,
    )


def _local_artifact(facts: RunFacts, release: Release, plan: Plan | None) -> str | None:
    """The file a finished real publish stands on (also an unchanged one: its rewritten receipt
    gets the attestation again), absolute, since the action's attest step runs elsewhere."""
    path = release.artifact.path
    if facts.dry_run or plan is None or path is None:  # a plan, or a URL Marketplace fetched
        return None
    return str(path.resolve())


def next_step(exc: PublisherError | None, diagnostics: tuple[Diagnostic, ...]) -> str | None:
    """The error's advice; but a partial publish whose cause is a value in release.yml would
    fail the same way if re-run as it is, so the advice is to fix those lines first."""
    if exc is None:
        return None
    located = [d for d in diagnostics if d.is_error and d.location and d.key]
    if not isinstance(exc, PartialPublishError) or not located:
        return exc.advice
    return f"fix {_lines(located)}, then re-run; what was done is kept"


def _lines(located: list[Diagnostic]) -> str:
    """`line 30 of release.yml (listing.youtube)`, or `lines 30 and 41 of release.yml (a, b)`."""
    places = sorted({(d.location.line, d.key) for d in located if d.location and d.key})
    numbers = sorted({line for line, _ in places})
    keys = ", ".join(dict.fromkeys(key for _, key in places))
    file = Path(located[0].location.file).name if located[0].location else "release.yml"
    if len(numbers) == 1:
        return f"line {numbers[0]} of {file} ({keys})"
    shown = ", ".join(str(n) for n in numbers[:-1]) + f" and {numbers[-1]}"
    return f"lines {shown} of {file} ({keys})"


def _hostings(
    release: Release,
    plan: Plan | None,
    execution: Execution | None,
    version_url: VersionUrl | None,
) -> tuple[HostingResult, ...]:
    if plan is None:
        return tuple(HostingResult(h) for h in release.hostings)
    results = []
    done = execution.changes if execution else {}
    artifacts = execution.version_artifacts if execution else {}
    for h in plan.hostings:
        version, listing = done.get(h.hosting, (None, None))
        url = None
        exists = h.version.action != "create" or (version is not None and version.done)
        if version_url and exists and not h.app_software_id.startswith("<"):
            url = version_url(h.app_software_id, release.build)
        results.append(
            HostingResult(
                h.hosting,
                h.app_software_id,
                version or _change(h.version),
                listing or _change(h.listing),
                url,
                artifacts.get(h.hosting),
            )
        )
    return tuple(results)


def _uploads(plan: Plan | None, execution: Execution | None, dry_run: bool) -> tuple[Upload, ...]:
    if execution:
        return tuple(execution.uploads)
    if plan is None or not dry_run:  # nothing was sent
        return ()
    a = plan.artifact
    planned = [
        Upload("artifact", a.source, a.size, a.sha512, a.reuse_id, reused=a.action == "reuse")
    ]
    planned += [
        Upload(
            "image",
            i.source or str(i.path),
            i.size,
            i.sha512,
            i.reuse_id,
            i.image_type,
            reused=i.reuse_id is not None or i.kept,
        )
        for i in plan.images
    ]
    return tuple(planned)


def _change(doc: DocumentPlan) -> DocumentChange:
    return DocumentChange(doc.action, doc.patch, doc.desired if doc.action == "create" else None)
