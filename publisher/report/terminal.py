"""Human output: concise lines; on a TTY a progress bar and a live countdown, in colour.

In a CI log (not a TTY) the same events become plain lines: upload progress every 25 %, and one
line per 10 seconds while waiting, so logs stay short and readable.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

from publisher import events as ev
from publisher.outcome import RunReport
from publisher.report.render import final_lines, human_size
from publisher.secrets import Redactor

_COLORS = {"red": "31", "yellow": "33", "green": "32", "cyan": "36", "dim": "2", "bold": "1"}


class TerminalReporter:
    def __init__(
        self,
        stream: TextIO,
        *,
        redact: Redactor,
        tty: bool,
        color: bool,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream
        self.redact = redact
        self.tty = tty
        self.color = color
        self.clock = clock
        self._live = False  # a \r line is on screen
        self._last_draw = 0.0
        self._started: dict[str, float] = {}
        self._quarters: dict[str, int] = {}
        self._last_wait_line: float | None = None
        self._errors_shown: set[str] = set()  # the closing line does not repeat one of these

    # -- plumbing -----------------------------------------------------------------------------
    def _paint(self, text: str, color: str) -> str:
        return f"\x1b[{_COLORS[color]}m{text}\x1b[0m" if self.color else text

    def line(self, text: str) -> None:
        self._end_live()
        self.stream.write(self.redact(text) + "\n")
        self.stream.flush()

    def error_shown(self, message: str) -> None:
        """`message` is on screen already (here, or as an annotation): the end won't repeat it."""
        self._errors_shown.add(message)

    def _live_line(self, text: str) -> None:
        self.stream.write("\r\x1b[2K" + self.redact(text))
        self.stream.flush()
        self._live = True

    def _end_live(self) -> None:
        if self._live:
            self.stream.write("\n")
            self._live = False

    # -- events ---------------------------------------------------------------------------------
    def emit(self, event: ev.Event) -> None:
        if isinstance(event, ev.StageStarted):
            self.line(self._paint(f"▸ {event.name}", "bold"))
        elif isinstance(event, ev.Info):
            self.line(f"  {event.message}")
        elif isinstance(event, ev.Problem):
            d = event.diagnostic
            tone = "red" if d.is_error else "yellow"
            where = f"{d.location}: " if d.location else ""
            if d.is_error:
                self.error_shown(d.message)
            self.line(f"{where}{self._paint(d.severity, tone)}: {d.message}")
        elif isinstance(event, ev.StepStarted):
            self._started[event.key] = self.clock()
            self.line(f"  {self._paint('…', 'dim')} {event.title}")
        elif isinstance(event, ev.Progress):
            self._progress(event)
        elif isinstance(event, ev.Waiting):
            self._waiting(event)
        elif isinstance(event, ev.Retrying):
            self.line(
                self._paint(
                    f"  ↻ {event.what}: {event.reason}; "
                    f"retry {event.attempt} in {event.delay:.1f}s",
                    "yellow",
                )
            )
        elif isinstance(event, ev.StepFinished):
            self._finished(event)
        elif isinstance(event, ev.Finished):
            self._final(event.report)

    def _finished(self, event: ev.StepFinished) -> None:
        mark = {"done": ("✓", "green"), "skipped": ("–", "dim"), "failed": ("✗", "red")}[
            event.outcome
        ]
        took = self.clock() - self._started.pop(event.key, self.clock())
        timing = f" ({took:.1f}s)" if took >= 1 else ""
        detail = f": {event.detail}" if event.detail else ""
        self.line(f"  {self._paint(mark[0], mark[1])} {event.title}{detail}{timing}")

    def _progress(self, event: ev.Progress) -> None:
        total = max(event.total, 1)
        fraction = min(event.done / total, 1.0)
        started = self._started.get(event.key, self.clock())
        rate = event.done / max(self.clock() - started, 1e-6)
        figures = f"{human_size(event.done)}/{human_size(event.total)}  {human_size(int(rate))}/s"
        if self.tty:
            now = self.clock()
            if fraction < 1.0 and now - self._last_draw < 0.1:
                return
            self._last_draw = now
            filled = int(fraction * 30)
            bar = "█" * filled + "░" * (30 - filled)
            self._live_line(f"    {bar} {fraction:4.0%}  {figures}")
            if fraction >= 1.0:
                self._end_live()
            return
        quarter = int(fraction * 4)
        if quarter > self._quarters.get(event.key, 0):
            self._quarters[event.key] = quarter
            self.line(f"    {fraction:.0%} {figures}")

    def _waiting(self, event: ev.Waiting) -> None:
        if self.tty:
            if event.remaining <= 0:
                self._end_live()
                return
            self._live_line(f"  ⏳ {event.reason}: {event.remaining:4.1f}s left")
            return
        if event.remaining <= 0:
            self._last_wait_line = None
            return
        if self._last_wait_line is None or self._last_wait_line - event.remaining >= 10:
            self._last_wait_line = event.remaining
            self.line(f"  waiting {event.remaining:.0f}s: {event.reason}")

    def _final(self, report: RunReport) -> None:
        lines = final_lines(report)
        if report.error in self._errors_shown and lines[:1] == [f"✗ {report.error}"]:
            lines[0] = f"✗ {report.command} failed: the error above"
        for text in lines:
            tone = "red" if report.exit_code else "green"
            self.line(
                self._paint(text, tone)
                if text is not None and text.startswith(("✓", "✗"))
                else text
            )

    def close(self) -> None:
        self._end_live()
