"""A plan in words, for people: what will be uploaded, and per hosting what happens to the
version and its listing (a dry run also shows the request bodies and the release notes as
Marketplace will get them). The command emits these events before anything is written."""

from __future__ import annotations

import json
from collections.abc import Iterator

from publisher import events as ev
from publisher.diagnostics import warning
from publisher.publish.model import DocumentPlan, Plan
from publisher.state.ledger import UploadLedger, budget_problem
from publisher.words import human_size, image_swaps, plural


def describe_plan(plan: Plan, ledger: UploadLedger, *, dry_run: bool) -> Iterator[ev.Event]:
    release = plan.release
    for note in plan.notes:
        yield ev.Info(note)
    artifact = plan.artifact
    verb = {"upload": "upload", "fetch": "have Marketplace fetch", "reuse": "reuse"}[
        artifact.action
    ]
    size = f" ({human_size(artifact.size)})" if artifact.size is not None else ""
    why = f": {artifact.reason}" if artifact.reason else ""
    yield ev.Info(f"artifact: {verb} {artifact.source}{size}{why}")
    if plan.images:
        yield ev.Info(_images_line(plan))
    if dry_run:  # a publish shows the patch instead
        yield from _notes(plan)
    for hosting in plan.hostings:
        yield from _document(
            f"{hosting.hosting} version {release.version} (build {release.build})",
            hosting.version,
            dry_run,
        )
        if hosting.listing.action != "skip":
            yield from _document(f"{hosting.hosting} listing", hosting.listing, dry_run)
    problem = budget_problem(ledger, artifact.source, artifact.upload_size)
    if problem:
        yield ev.Problem(warning(problem))
    elif artifact.action == "upload":
        wait = ledger.wait_needed()
        if wait > 0:
            yield ev.Info(f"upload spacing: the artifact upload will wait {wait:.1f} s")


def _notes(plan: Plan) -> Iterator[ev.Event]:
    """The release notes as Marketplace will get them (rendered and sanitised HTML)."""
    if plan.release_notes is None:
        return
    markdown = plan.release.changelog.notes_format == "markdown"
    how = "rendered from Markdown" if markdown else "as written"
    yield ev.Info(f"release notes ({how}, sanitised HTML):")
    for line in plan.release_notes.splitlines():
        yield ev.Info(f"  | {line}")


def _document(title: str, doc: DocumentPlan, dry_run: bool) -> Iterator[ev.Event]:
    if doc.action == "create":
        yield ev.Info(f"{title}: create")
        if dry_run:  # the request body is the point of a dry run
            yield from _json(doc.desired)
    elif doc.action == "update":
        count = plural(len(doc.patch), "operation")
        swaps = image_swaps(doc.patch)
        yield ev.Info(f"{title}: update, {count} (JSON Patch, live -> release.yml{swaps}):")
        yield from _json(list(doc.patch))
    else:
        yield ev.Info(f"{title}: unchanged")


def _json(value: object) -> Iterator[ev.Event]:
    for line in json.dumps(value, indent=2, ensure_ascii=False).splitlines():
        yield ev.Info("  " + line)


def _images_line(plan: Plan) -> str:
    fresh = sum(1 for i in plan.images if i.reuse_id is None and not i.kept)
    kept = sum(1 for i in plan.images if i.kept)
    parts = [f"{fresh} to upload"]
    if kept:
        parts.append(f"{kept} kept live")
    parts.append(f"{len(plan.images) - fresh - kept} already uploaded")
    return f"images: {plural(len(plan.images), 'distinct file')}: {', '.join(parts)}"
