"""Reporters: each turns the event stream into one kind of output."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from typing import Protocol, TextIO

from publisher import events as ev
from publisher.report.controls import visible_controls
from publisher.report.encoding import encodable
from publisher.secrets import Redactor, map_strings


class Reporter(Protocol):
    def emit(self, event: ev.Event) -> None: ...

    def close(self) -> None: ...


class Fanout:
    """Several reporters behind one emit; with `redact`, every event is redacted first, so no
    reporter ever holds a secret (each still redacts its own text as a safety net), and its
    control characters are made visible (publisher.report.controls)."""

    def __init__(self, reporters: Sequence[Reporter], redact: Redactor | None = None) -> None:
        self.reporters = list(reporters)
        self.redact = redact

    def emit(self, event: ev.Event) -> None:
        if self.redact is not None:
            redact = self.redact
            event = map_strings(event, lambda text: visible_controls(redact(text)))
        for reporter in self.reporters:
            reporter.emit(event)

    def close(self) -> None:
        for reporter in self.reporters:
            reporter.close()


def choose_reporter(
    *,
    json_output: bool,
    redact: Redactor,
    env: Mapping[str, str] | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> Fanout:
    """GitHub when GITHUB_ACTIONS=true, else the terminal; `--json` adds the JSON document."""
    from publisher.report.jsonout import JsonReporter
    from publisher.report.terminal import TerminalReporter

    env = os.environ if env is None else env
    out = encodable(stdout or sys.stdout)  # an ASCII-only output gets ASCII marks, never a crash
    err = encodable(stderr or sys.stderr)
    human_stream = err if json_output else out
    reporters: list[Reporter] = []
    if env.get("GITHUB_ACTIONS") == "true":
        from publisher.report.github import GitHubReporter

        reporters.append(GitHubReporter(human_stream, redact=redact, env=env))
    else:
        # A CI log is plain lines even when the runner gives it a pseudo-terminal.
        ci = env.get("CI", "").lower() not in ("", "0", "false") or "GITHUB_ACTIONS" in env
        tty = human_stream.isatty() and not ci
        # no-color.org: only a non-empty NO_COLOR turns colour off.
        color = not env.get("NO_COLOR") and (tty or bool(env.get("FORCE_COLOR")))
        reporters.append(TerminalReporter(human_stream, redact=redact, tty=tty, color=color))
    if json_output:
        reporters.append(JsonReporter(out, redact=redact))
    return Fanout(reporters, redact)
