"""The Markdown job summary: what was done or planned per hosting, diffs, uploads, waits, links."""

from __future__ import annotations

import json

from publisher.diagnostics import Diagnostic
from publisher.outcome import DocumentChange, RunReport
from publisher.report.document import CommandReport
from publisher.report.render import final_lines, human_size, identity

_ACTION_WORDS = {
    "create": "create",
    "update": "update",
    "unchanged": "unchanged",
    "skip": "not managed (no `listing:` in release.yml)",
}


def summary_markdown(
    report: RunReport | CommandReport, overflow: list[Diagnostic], limit: int
) -> str:
    """The summary, cut to fit under `limit` bytes (GitHub drops a larger one entirely)."""
    if not isinstance(report, RunReport):  # a CommandReport (status, compat, ...) has its own
        return _cut(report.summary(), limit)
    head = [
        f"## mpac-publisher: {identity(report)}",
        "",
        *[_md(x) for x in final_lines(report)],
        "",
    ]
    sections = [_hostings(report), _uploads(report), _problems(report, overflow)]
    body = "\n".join(head) + "\n" + "\n".join(s for s in sections if s)
    if report.waited_seconds:
        body += f"\nWaited {report.waited_seconds:.1f}s for Marketplace's upload spacing.\n"
    body += f"\n<sub>{report.requests} Marketplace requests · exit code {report.exit_code}</sub>\n"
    return _cut(body, limit)


def _cut(body: str, limit: int) -> str:
    encoded = body.encode("utf-8")
    if len(encoded) <= limit:
        return body
    note = "\n\n… summary cut to stay under GitHub's 1 MiB limit; run with --json for all of it.\n"
    room = limit - len(note.encode()) - 16
    return encoded[:room].decode("utf-8", "ignore") + note


def _md(line: str) -> str:
    return line.replace("✓", "✅").replace("✗", "❌")


def _hostings(report: RunReport) -> str:
    if not report.hostings:
        return ""
    verb = "Planned" if report.dry_run else "Done"
    rows = [f"### {verb}", "", "| hosting | version | listing | link |", "|---|---|---|---|"]
    details: list[str] = []
    for h in report.hostings:
        link = f"[version]({h.version_url})" if h.version_url else ""
        rows.append(f"| {h.hosting} | {_action(h.version)} | {_action(h.listing)} | {link} |")
        for name, change in (("version", h.version), ("listing", h.listing)):
            if change and change.patch:
                patch = json.dumps(list(change.patch), indent=2, ensure_ascii=False)
                details += [
                    f"<details><summary>{h.hosting} {name}: JSON Patch ({len(change.patch)} "
                    "operations)</summary>",
                    "",
                    "```json",
                    patch.replace("```", "`\u200b``"),
                    "```",
                    "</details>",
                    "",
                ]
    return "\n".join([*rows, "", *details])


def _action(change: DocumentChange | None) -> str:
    if change is None:
        return "—"
    word = _ACTION_WORDS.get(change.action, change.action)
    return f"{word} ✓" if change.done and change.action in ("create", "update") else word


def _uploads(report: RunReport) -> str:
    if not report.uploads:
        return ""
    rows = ["### Uploads", "", "| kind | file | size | sha512 | id |", "|---|---|---|---|---|"]
    for u in report.uploads:
        size = human_size(u.size) if u.size is not None else ""
        digest = f"`{u.sha512[:16]}…`" if u.sha512 else ""
        kind = u.image_type or u.kind
        kind += " (reused)" if u.reused else ""
        rows.append(f"| {kind} | `{u.source}` | {size} | {digest} | {u.id or ''} |")
    return "\n".join([*rows, ""])


def _problems(report: RunReport, overflow: list[Diagnostic]) -> str:
    shown = list(report.diagnostics)
    if not shown:
        return ""
    rows = ["### Problems", ""]
    for d in shown:
        where = f"`{d.location}` " if d.location else ""
        rows.append(f"- **{d.severity}** {where}{d.message}")
    if overflow:
        rows.append(
            f"\n{len(overflow)} of these were not shown as annotations (GitHub shows 10 per kind)."
        )
    return "\n".join([*rows, ""])
