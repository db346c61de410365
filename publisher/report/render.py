"""Text that every human-facing reporter shares: the closing lines of a run."""

from __future__ import annotations

from publisher.diagnostics import count_summary
from publisher.outcome import CommandReport, RunReport

_RESULT_WORDS = {
    "created": "published",
    "updated": "updated",
    "unchanged": "already published, nothing to do",
    "planned": "planned (dry run: nothing was written)",
}


def identity(report: RunReport) -> str:
    build = f" (build {report.build})" if report.build is not None else ""
    return f"{report.app} {report.version}{build}"


def final_lines(report: RunReport | CommandReport) -> list[str]:
    """The last lines of a run: the verdict, then the error's advice or the version URLs."""
    if not isinstance(report, RunReport):  # a CommandReport (status, compat, ...) says its own
        return report.final_lines()
    if report.command == "validate":
        if report.exit_code == 0:
            hostings = ", ".join(h.hosting for h in report.hostings)
            warn = f" ({count_summary(list(report.diagnostics))})" if report.diagnostics else ""
            return [f"✓ {report.config} is valid: {identity(report)} for {hostings}{warn}"]
        errors = [d for d in report.diagnostics if d.is_error]
        if errors:
            return [f"✗ {report.config}: {count_summary(list(report.diagnostics))}"]
    if report.exit_code != 0:
        lines = [f"✗ {report.error or report.result}"]
        if report.advice:
            lines.append(f"  hint: {report.advice}")
        return lines
    lines = [f"✓ {identity(report)}: {_RESULT_WORDS.get(report.result, report.result)}"]
    lines += [f"  {h.hosting}: {h.version_url}" for h in report.hostings if h.version_url]
    return lines
