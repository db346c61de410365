"""Human output: one line per step; on a terminal a live upload bar (rich: percentage, bytes,
rate, time left) and a countdown while waiting, in colour unless NO_COLOR is set.

In a CI log (not a terminal, or CI / GITHUB_ACTIONS set) the same events become plain lines:
upload progress every 25 %, one line per 10 seconds of waiting, no escape codes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO

from publisher import events as ev
from publisher.outcome import CommandReport, RunReport
from publisher.report.render import final_lines
from publisher.secrets import Redactor
from publisher.words import human_size

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

_COLORS = {"red": "31", "yellow": "33", "green": "32", "cyan": "36", "dim": "2", "bold": "1"}
_MARKS = {"done": ("✓", "green"), "skipped": ("–", "dim"), "failed": ("✗", "red")}
REDRAW = 0.1  # seconds between bar redraws: the upload monitor fires thousands of times
BAR_AFTER = 0.3  # seconds of sending before a bar appears


@dataclass
class _Step:
    title: str
    started: float
    waited_before: float  # the reporter's total waiting time when the step started
    announced: bool = False  # its "…" line is on screen
    first_byte: float | None = None  # when the upload began sending (after any wait)
    sent: int = 0
    quarter: int = 0


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
        self._steps: dict[str, _Step] = {}
        self._waited = 0.0  # all waiting so far, so step times and rates can leave it out
        self._wait_began: float | None = None
        self._last_wait_line: float | None = None
        self._bar: Progress | None = None
        self._bar_task: TaskID | None = None
        self._last_draw = 0.0
        self._counting = False  # the wait countdown is the live line
        self._errors_shown: set[str] = set()  # the closing line does not repeat one of these

    # -- plumbing -----------------------------------------------------------------------------
    def _paint(self, text: str, color: str) -> str:
        return f"\x1b[{_COLORS[color]}m{text}\x1b[0m" if self.color else text

    def line(self, text: str) -> None:
        safe = self.redact(text)
        if self._bar is not None:  # rich owns the screen while the bar is up
            from rich.text import Text  # loaded with the bar: see _bar_update

            self._bar.console.print(Text.from_ansi(safe), soft_wrap=True)
            return
        self._end_live()
        self.stream.write(safe + "\n")
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
        if not isinstance(event, ev.Waiting):
            self._wait_over()
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
            self._started(event)
        elif isinstance(event, ev.Progress):
            self._progress(event)
        elif isinstance(event, ev.Waiting):
            self._waiting(event)
        elif isinstance(event, ev.Retrying):
            self._announce_open_steps()
            text = f"  ↻ {event.what}: {event.reason}; retry {event.attempt} in {event.delay:.1f}s"
            self.line(self._paint(text, "yellow"))
        elif isinstance(event, ev.StepFinished):
            self._finished(event)
        elif isinstance(event, ev.Finished):
            self._final(event.report)

    # -- steps: one line each, unless they have more to say -------------------------------------
    def _started(self, event: ev.StepStarted) -> None:
        self._steps[event.key] = _Step(event.title, self.clock(), self._waited)
        if self.tty:  # a live "…" line, replaced by the step's result
            self._end_live()
            self._live_line(f"  {self._paint('…', 'dim')} {event.title}")
            self._steps[event.key].announced = True

    def _announce_open_steps(self) -> None:
        """In a log, a step's "…" line appears only once it has progress, a wait or a retry."""
        for step in self._steps.values():
            if not step.announced:
                step.announced = True
                self.line(f"  {self._paint('…', 'dim')} {step.title}")
        self._end_live()

    def _finished(self, event: ev.StepFinished) -> None:
        self._stop_bar()
        now = self.clock()
        step = self._steps.pop(event.key, None)
        mark, tone = _MARKS[event.outcome]
        detail = f": {event.detail}" if event.detail else ""
        text = f"  {self._paint(mark, tone)} {event.title}{detail}{self._timing(step, now)}"
        if self.tty and self._live:
            self._live_line(text)
            self._end_live()
        else:
            self.line(text)

    def _timing(self, step: _Step | None, now: float) -> str:
        """` (775 kB at 2.6 MB/s, 0.3s, after waiting 9.8s)`: sending time, not the wait."""
        if step is None:
            return ""
        waited = self._waited - step.waited_before
        took = now - step.started - waited
        parts = []
        if step.sent and step.first_byte is not None and now - step.first_byte >= 0.05:
            rate = step.sent / (now - step.first_byte)
            parts.append(f"sent at {human_size(int(rate))}/s")
        if took >= 1 or parts:
            parts.append(f"{took:.1f}s")
        if waited >= 0.05:
            parts.append(f"after waiting {waited:.1f}s")
        return f" ({', '.join(parts)})" if parts else ""

    # -- upload progress ----------------------------------------------------------------------
    def _progress(self, event: ev.Progress) -> None:
        step = self._steps.setdefault(event.key, _Step(event.key, self.clock(), self._waited))
        now = self.clock()
        if step.first_byte is None:
            step.first_byte = now  # the rate counts sending time only, never the wait before
        finished_before = step.sent >= event.total > 0
        done = event.done >= event.total
        step.sent = event.done
        if finished_before:
            return  # the monitor reports 100 % more than once: say it once
        if self.tty:
            # A bar for uploads that take a while; a quick one is just its result line.
            if self._bar is not None or (now - step.first_byte >= BAR_AFTER and not done):
                self._bar_update(event, now)
            return
        self._announce_open_steps()
        total = max(event.total, 1)
        quarter = int(min(event.done / total, 1.0) * 4)
        if quarter > step.quarter:
            step.quarter = quarter
            sending = now - step.first_byte
            rate = f", {human_size(int(event.done / sending))}/s" if sending >= 0.05 else ""
            self.line(
                f"    {event.done / total:.0%} {human_size(event.done)} of "
                f"{human_size(event.total)}{rate}"
            )

    def _bar_update(self, event: ev.Progress, now: float) -> None:
        if self._bar is None:
            self._end_live()
            self._bar = self._new_bar()
            self._bar.start()
            self._bar_task = self._bar.add_task(event.key, total=event.total)
        assert self._bar_task is not None
        self._bar.update(self._bar_task, completed=event.done, total=event.total)
        if now - self._last_draw >= REDRAW or event.done >= event.total:
            self._last_draw = now
            self._bar.refresh()

    def _new_bar(self) -> Progress:
        # rich loads only for a bar (a terminal, a long upload): every other run would pay
        # its import, a third of `validate`'s start-up (issue #24).
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            TaskProgressColumn,
            TextColumn,
            TimeRemainingColumn,
            TransferSpeedColumn,
        )

        console = Console(
            file=self.stream, force_terminal=True, no_color=not self.color, highlight=False
        )
        return Progress(
            TextColumn("    "),
            BarColumn(bar_width=30),
            TaskProgressColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=True,  # replaced by the step's one result line
            auto_refresh=False,
            get_time=self.clock,
            redirect_stdout=False,  # everything we print goes through self.line
            redirect_stderr=False,
        )

    def _stop_bar(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
            self._bar_task = None

    # -- waiting ----------------------------------------------------------------------------------
    def _waiting(self, event: ev.Waiting) -> None:
        now = self.clock()
        if self._wait_began is None and event.remaining > 0:
            self._wait_began = now
        if event.remaining <= 0:
            self._wait_over()
            return
        if self.tty:
            if not self._counting:
                self._end_live()  # the step's "…" line stays above the countdown
                self._counting = True
            self._live_line(f"  ⏳ {event.reason}: {event.remaining:4.1f}s left")
            return
        self._announce_open_steps()
        if self._last_wait_line is None or self._last_wait_line - event.remaining >= 10:
            self._last_wait_line = event.remaining
            self.line(f"  waiting {event.remaining:.0f}s: {event.reason}")

    def _wait_over(self) -> None:
        if self._wait_began is not None:
            self._waited += self.clock() - self._wait_began
            self._wait_began = None
            self._last_wait_line = None
        if self._counting:  # the countdown goes away; the step's result line says how long
            self.stream.write("\r\x1b[2K")
            self._counting = False
            self._live = False

    def _final(self, report: RunReport | CommandReport) -> None:
        lines = final_lines(report)
        if report.error in self._errors_shown and lines[:1] == [f"✗ {report.error}"]:
            lines[0] = f"✗ {report.command} failed: the error above"
        for text in lines:
            tone = "red" if report.exit_code else "green"
            self.line(self._paint(text, tone) if text.startswith(("✓", "✗")) else text)

    def close(self) -> None:
        self._stop_bar()
        self._end_live()
