"""The Markdown job summary (GITHUB_STEP_SUMMARY): the outcome first, then what changed per
hosting, the uploads, the waits and the time. Built from self-contained blocks, so cutting it to
GitHub's 1 MiB limit never leaves a code fence or a <details> open. Every string that is not
ours (server answers, file names, release.yml values) goes in through publisher.report.markdown,
so it renders as text and never as a link, an image or HTML."""

from __future__ import annotations

import json
from collections.abc import Callable

from publisher.diagnostics import Diagnostic, count_summary
from publisher.errors import ExitCode
from publisher.outcome import CommandReport, DocumentChange, HostingResult, RunReport, Upload
from publisher.report.markdown import code, details, fence, link, text
from publisher.report.render import final_lines, identity
from publisher.words import human_size, image_swaps, plural

_HEADINGS = {
    "created": "✅ Published",
    "updated": "✅ Updated",
    "unchanged": "✅ Unchanged",
    "planned": "📝 Planned",
    "partial": "⚠️ Partially published",
    "failed": "❌ Failed",
    "invalid": "❌ Failed",
}
_WHY = {int(code): code.why for code in ExitCode if code.why}  # "❌ Failed, <why>"
_LEADS = {
    "created": "The version was created on Marketplace.",
    "updated": "The live version was brought in line with release.yml.",
    "unchanged": "Already published as release.yml describes: nothing was written.",
    "planned": "A dry run: this is what a publish would do. Nothing was written.",
    "partial": "Some steps were done before the failure; what was done is kept.",
}
_ACTION_WORDS = {
    "create": "create",
    "update": "update",
    "unchanged": "unchanged",
    "skip": "not managed (no `listing:`)",
}
MAX_PATCH_LINES = 400  # per document; the rest is in `--json`
CUT_NOTE = (
    "\n> [!NOTE]\n> The summary was cut to stay under GitHub's 1 MiB limit; "
    "run with `--json` for all of it.\n"
)


def summary_markdown(
    report: RunReport | CommandReport,
    overflow: list[Diagnostic],
    limit: int,
    shown: Callable[[str], str] = str,
) -> str:
    """The summary, whole blocks only, under `limit` bytes (GitHub drops a larger one entirely).
    `shown` turns a file path into the one the reader knows (relative to the repository)."""
    if not isinstance(report, RunReport):  # a CommandReport (status, compat, ...) has its own
        return _cut(command_summary(report), limit)
    blocks = [
        _outcome(report, shown),
        _problems(report, overflow, shown),
        _changes(report),
        *_patches(report),
        _uploads(report),
        _footer(report),
    ]
    return _fit([b for b in blocks if b], limit)


def _cut(body: str, limit: int) -> str:
    encoded = body.encode("utf-8")
    if len(encoded) <= limit:
        return body
    room = limit - len(CUT_NOTE.encode()) - 16
    kept = encoded[:room].decode("utf-8", "ignore")
    # At a line's end: never inside an escape (`&#124;`) or a table row, which would then show
    # half a character reference or lose its last cells.
    return kept[: kept.rfind("\n") + 1] + CUT_NOTE


def _fit(blocks: list[str], limit: int) -> str:
    room = limit - len(CUT_NOTE.encode())
    kept: list[str] = []
    used = 0
    for number, block in enumerate(blocks):
        size = len(block.encode()) + 1
        if used + size > (limit if number == len(blocks) - 1 else room):
            footer = blocks[-1]
            fits = used + len(footer.encode()) + 1 < room
            return "\n".join([*kept, CUT_NOTE, footer] if fits else [*kept, CUT_NOTE])
        kept.append(block)
        used += size
    return "\n".join(kept)


# -- the outcome --------------------------------------------------------------------------------


def outcome_heading(report: RunReport, shown: Callable[[str], str] = str) -> str:
    """`## ✅ Published: com.example.app 1.2.0 (build 3)`: the first thing a reader sees."""
    if report.result == "invalid":
        counted = count_summary(list(report.diagnostics))
        return f"## ❌ Failed: {text(shown(report.config))} is invalid ({counted})"
    word = _HEADINGS.get(report.result, report.result)
    if report.result == "failed":
        word += f", {_WHY.get(report.exit_code, f'exit code {report.exit_code}')}"
    what = identity(report) if report.app else shown(report.config)
    return f"## {word}: {text(what)}"


def _outcome(report: RunReport, shown: Callable[[str], str]) -> str:
    lines = [outcome_heading(report, shown), ""]
    if report.result in _LEADS:
        lines += [_LEADS[report.result], ""]
    if report.exit_code != 0:
        lines += _failure(report, shown)
    for note in report.notes:
        lines += [f"> [!NOTE]\n> {text(note)}", ""]
    return "\n".join(lines)


def _failure(report: RunReport, shown: Callable[[str], str]) -> list[str]:
    """Why, where (`release.yml:12`), what to do; the raw error folded away when located."""
    located = next((d for d in report.diagnostics if d.is_error and d.location), None)
    lines = []
    if located and located.location:
        where = f"{shown(located.location.file)}:{located.location.line}"
        lines.append(f"**Why:** {text(located.message)}, at {code(where)}.")
    elif report.error:
        lines.append(f"**Why:** {text(report.error)}")
    advice = report.advice
    if advice is None and report.result == "invalid":
        check = f"mpac-publisher validate {shown(report.config)}"
        advice = f"fix each line below, then check with `{check}`"
    if advice:
        lines += ["", f"**What to do:** {text(advice)}."]
    if located and report.error and report.result != "invalid":
        lines += ["", details("The error in full", text(report.error))]
    return [*lines, ""]


def _problems(report: RunReport, overflow: list[Diagnostic], shown: Callable[[str], str]) -> str:
    errors = [d for d in report.diagnostics if d.is_error and d.location]
    if not report.diagnostics or (len(report.diagnostics) == 1 and errors and not overflow):
        return ""  # nothing, or only the one already given as the reason
    rows = ["### Problems", ""]
    for d in report.diagnostics:
        where = f"{code(f'{shown(d.location.file)}:{d.location.line}')} " if d.location else ""
        said = d.key and (f"`{d.key}`" in d.message or d.message.startswith(f"{d.key}:"))
        key = f" ({code(d.key)})" if d.key and not said else ""
        rows.append(f"- **{d.severity}** {where}{text(d.message)}{key}")
    if overflow:
        rows += ["", f"{plural(len(overflow), 'problem')} did not fit in the annotations "
                 "(GitHub shows 10 of each kind)."]  # fmt: skip
    return "\n".join([*rows, ""])


# -- what changed -------------------------------------------------------------------------------


def _changes(report: RunReport) -> str:
    if not report.hostings or report.result == "invalid":
        return ""
    quiet = all(
        (c is None or c.action in ("unchanged", "skip")) for h in report.hostings
        for c in (h.version, h.listing)
    )  # fmt: skip
    title = "Live state" if quiet else "What would change" if report.dry_run else "What changed"
    rows = [f"### {title}", "", "| hosting | version | listing | link |", "|---|---|---|---|"]
    for h in report.hostings:
        to_version = _link_to(report, h)
        version, listing = _action(h.version, report), _action(h.listing, report)
        rows.append(f"| {text(h.hosting)} | {version} | {listing} | {to_version} |")
    return "\n".join([*rows, ""])


def _link_to(report: RunReport, hosting: HostingResult) -> str:
    """The Marketplace page for people; a sandbox (no website) gets its REST URL, said so."""
    page = report.page_of(hosting)
    if page:
        return link("Marketplace page", page)
    return link("version (REST API)", hosting.version_url) if hosting.version_url else ""


def _action(change: DocumentChange | None, report: RunReport) -> str:
    if change is None:
        return "—"
    word = _ACTION_WORDS.get(change.action, text(change.action))
    if change.action in ("create", "update"):
        if change.done:
            return f"{word}d ✓" if word.endswith("e") else f"{word} ✓"
        if not report.dry_run and report.exit_code != 0:
            return f"not {word}d" if word.endswith("e") else f"not {word}"
    return word


def _patches(report: RunReport) -> list[str]:
    found = []
    for h in report.hostings:
        for name, change in (("version", h.version), ("listing", h.listing)):
            if change and change.patch:
                found.append(_patch_block(h, name, change))
    return found


def _patch_block(h: HostingResult, name: str, change: DocumentChange) -> str:
    lines = json.dumps(list(change.patch), indent=2, ensure_ascii=False).splitlines()
    cut = ""
    if len(lines) > MAX_PATCH_LINES:
        cut = f"\n\n{len(lines) - MAX_PATCH_LINES} more lines in `--json`."
        lines = lines[:MAX_PATCH_LINES]
    count = plural(len(change.patch), "operation")
    paths = [str(op.get("path")) for op in change.patch]
    on = ", ".join(code(p) for p in paths[:3])
    on += ", …" if len(paths) > 3 else ""
    count += image_swaps(change.patch).replace("; ", ", ", 1)
    title = f"{text(h.hosting)} {name}: JSON Patch, {count} on {on}"
    body = fence("\n".join(lines), "json") + cut
    return details(title, body, opened=len(lines) <= 40) + "\n"


# -- uploads, waits, time -----------------------------------------------------------------------


def _uploads(report: RunReport) -> str:
    ordered = sorted(report.uploads, key=lambda u: u.kind != "artifact")
    sent = [u for u in ordered if not u.reused]
    reused = [u for u in ordered if u.reused]
    if not sent and not reused:
        return ""
    planned = report.dry_run
    rows = ["### Uploads planned" if planned and sent else "### Uploads", ""]
    if sent:
        rows += ["| kind | file | size | sha512 | id |", "|---|---|---|---|---|"]
        rows += [_upload_row(u, planned) for u in sent]
        rows.append("")
    else:
        rows += ["Nothing to upload." if planned else "Nothing was uploaded.", ""]
    if reused:
        rows.append(f"{_reused(reused, planned)}.")
    if report.waited_seconds:
        rows += ["", f"Waited {report.waited_seconds:.1f} s for Marketplace's upload spacing."]
    return "\n".join([*rows, ""])


def _upload_row(u: Upload, planned: bool) -> str:
    size = human_size(u.size).replace(" ", "\u00a0") if u.size is not None else ""
    digest = code(f"{u.sha512.removeprefix('sha512:')[:16]}…") if u.sha512 else ""
    ident = text(u.id or ("assigned on upload" if planned else ""))
    return f"| {text(u.image_type or u.kind)} | {code(u.source)} | {size} | {digest} | {ident} |"


def _reused(uploads: list[Upload], planned: bool) -> str:
    verb = "would not be sent" if planned else "not sent"
    parts = []
    artifacts = [u for u in uploads if u.kind == "artifact"]
    if artifacts:
        parts.append(f"the artifact {code(artifacts[0].source)} (already on Marketplace)")
    recorded = sum(1 for u in uploads if u.kind == "image" and u.id)
    kept = sum(1 for u in uploads if u.kind == "image" and not u.id)
    if recorded:
        parts.append(f"{plural(recorded, 'image')} recorded in the state directory")
    if kept:
        parts.append(f"{plural(kept, 'live image')} kept (`--images keep`)")
    return f"Reused, {verb}: " + "; ".join(parts)


def _footer(report: RunReport) -> str:
    parts = [plural(report.requests, "Marketplace request")]
    if report.elapsed_seconds:
        took = report.elapsed_seconds
        parts.append(f"{took:.1f} s" if took >= 0.1 else "under 0.1 s")
    parts.append(f"exit code {report.exit_code}")
    return f"<sub>{' · '.join(parts)}</sub>\n"


# -- the after-release commands -----------------------------------------------------------------

_SUMMARY_MARKS = {"✓": "✅", "✗": "❌", "!": "⚠️"}


def command_summary(report: CommandReport) -> str:
    """Outcome first, as publish's: `## ✅ mpac-publisher status: <verdict>` (server text
    escaped), the hint, the command's own Markdown (built with publisher.report.markdown), the
    requests and the exit code."""
    lines = final_lines(report)
    mark, _, verdict = lines[0].partition(" ")
    if mark not in _SUMMARY_MARKS:
        mark, verdict = "", lines[0]
    shown = f"{_SUMMARY_MARKS[mark]} " if mark else ""
    heading = f"## {shown}mpac-publisher {report.command}: {text(verdict)}"
    hints = [f"hint: {text(line.removeprefix('  hint: '))}" for line in lines[1:]]
    body = "\n\n".join([heading, *hints, report.markdown]).rstrip()
    return body + (
        f"\n\n<sub>{report.requests} Marketplace requests · exit code {report.exit_code}</sub>\n"
    )
