"""GitHub Actions: annotations on release.yml lines, ::group:: per stage, masks, outputs, summary.

actions-toolkit is used where it is right and wrapped where it is not:
- its `Command` escaping (`%`, CR, LF; also `:` and `,` in properties) matches npm's @actions/core
  byte for byte, and `prepare_key_value_message` writes multi-line-safe GITHUB_OUTPUT entries:
  both used as they are;
- its `error()`/`warning()` print empty properties (`endLine=,col=`) and take `start_line` rather
  than `line`: we build the `Command` ourselves with only the properties we have;
- it writes straight to `sys.stdout` and reads `os.environ`: we write to our own (redacting)
  stream and take the environment as an argument, so tests can drive it;
- `set_failed` calls `sys.exit`: never used; the command returns its exit code;
- it has no job summary: written here.
Every other line goes through `CommandSafeStream` (publisher.report.workflow), so no server
answer, file name or release note can start a workflow command: no stop-commands needed.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TextIO, cast

from actions_toolkit.command import Command
from actions_toolkit.file_command import prepare_key_value_message

from publisher import events as ev
from publisher.diagnostics import Diagnostic
from publisher.outcome import CommandReport, RunReport
from publisher.report.summary import summary_markdown
from publisher.report.terminal import TerminalReporter
from publisher.report.workflow import CommandSafeStream
from publisher.secrets import Redactor, map_strings

MAX_ANNOTATIONS = 10  # per kind and step: GitHub shows no more
MAX_SUMMARY_BYTES = 1024 * 1024  # over this GitHub drops the step's whole summary


class GitHubReporter:
    def __init__(self, stream: TextIO, *, redact: Redactor, env: Mapping[str, str]) -> None:
        self.stream = stream  # commands we mean; everything else goes through `safe`
        self.redact = redact
        self.env = env
        self.safe = CommandSafeStream(stream)
        human = cast(TextIO, self.safe)
        self.plain = TerminalReporter(human, redact=redact, tty=False, color=False)
        self.counts = {"error": 0, "warning": 0}
        self.overflow: list[Diagnostic] = []
        self.group_open = False
        self._mask()

    def _command(self, name: str, properties: dict[str, object], message: str) -> None:
        kept = {k: self.redact(str(v)) for k, v in properties.items() if v not in (None, "")}
        self.safe.release()  # held-back plain text goes out before the command
        self.stream.write(str(Command(name, kept, self.redact(message))) + "\n")
        self.stream.flush()

    def _mask(self) -> None:
        """Masks go out before anything else: the runner then hides the secrets in later lines."""
        for secret in self.redact.secrets:
            self.stream.write(str(Command("add-mask", {}, secret)) + "\n")
        self.stream.flush()

    def emit(self, event: ev.Event) -> None:
        if isinstance(event, ev.StageStarted):
            self._end_group()
            self._command("group", {}, event.name)
            self.group_open = True
        elif isinstance(event, ev.StageFinished):
            self._end_group()
        elif isinstance(event, ev.Problem):
            self._annotate(event.diagnostic)
        elif isinstance(event, ev.Finished):
            self._end_group()
            report = event.report
            if report.exit_code != 0 and report.error and self.counts["error"] == 0:
                self._annotate(Diagnostic("error", report.error))  # unlocated, still visible
            self.plain.emit(event)
            self._write_outputs(event.report)
            self._write_summary(event.report)
        else:
            self.plain.emit(event)

    def _annotate(self, d: Diagnostic) -> None:
        kind = d.severity
        self.counts[kind] += 1
        if d.is_error:
            self.plain.error_shown(d.message)
        if self.counts[kind] > MAX_ANNOTATIONS:
            self.overflow.append(d)
            self.plain.line(d.render())
            return
        properties: dict[str, object] = {"title": f"mpac-publisher: {kind}"}
        if d.location:
            properties = {
                "file": self._repo_path(d.location.file),
                "line": d.location.line,
                "col": d.location.column,
                **properties,
            }
        self._command(kind, properties, d.message)

    def _repo_path(self, file: str) -> str:
        root = self.env.get("GITHUB_WORKSPACE")
        absolute = os.path.abspath(file)
        if root and Path(absolute).is_relative_to(os.path.abspath(root)):
            return Path(os.path.relpath(absolute, root)).as_posix()
        return Path(file).as_posix()

    def _end_group(self) -> None:
        if self.group_open:
            self._command("endgroup", {}, "")
            self.group_open = False

    def _write_outputs(self, report: RunReport | CommandReport) -> None:
        target = self.env.get("GITHUB_OUTPUT")
        if not target:
            return
        with open(target, "a", encoding="utf-8", newline="") as handle:
            for name, value in report.outputs().items():
                handle.write(self.redact(prepare_key_value_message(name, value)) + os.linesep)

    def _write_summary(self, report: RunReport | CommandReport) -> None:
        target = self.env.get("GITHUB_STEP_SUMMARY")
        if not target:
            return
        # Redacted before the escaping too: an escaped secret (`&#95;` for `_`) would not match.
        clean = map_strings(report, self.redact)
        markdown = summary_markdown(clean, self.overflow, MAX_SUMMARY_BYTES, self._repo_path)
        text = self.redact(markdown)
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(text)

    def close(self) -> None:
        self._end_group()
        self.plain.close()
        self.safe.release()
        self.stream.flush()
