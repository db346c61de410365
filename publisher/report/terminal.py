"""Human output: one line per step; on a terminal, live lines for what is under way (each open
step, its upload bar named after the file, a countdown while waiting), each rewritten to its
final state when it ends (report/live.py), in colour unless NO_COLOR is set.

In a CI log (not a terminal, or CI / GITHUB_ACTIONS set) the same events become plain lines,
with no escape codes: each step its finish line, preceded by a start line ("… title") only if a
progress, wait or retry line is printed while the step is open; the artifact's progress every
25 %, one line per 10 seconds of waiting.
"""

from __future__ import annotations

import os
import threading
import time
from collections import deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import TextIO

from publisher import events as ev
from publisher.outcome import CommandReport, RunReport
from publisher.report.bar import stopped, uploaded, uploading
from publisher.report.live import LiveLines
from publisher.report.render import final_lines
from publisher.secrets import Redactor
from publisher.words import human_size

_COLORS = {"red": "31", "yellow": "33", "green": "32", "cyan": "36", "dim": "2", "bold": "1"}
_MARKS = {"done": ("✓", "green"), "skipped": ("–", "dim"), "failed": ("✗", "red")}
REDRAW = 0.1  # seconds between bar redraws: the upload monitor fires thousands of times
BAR_AFTER = 0.3  # seconds of sending before a bar appears
RATE_WINDOW = 5.0  # seconds of sending a bar's rate and time left are measured over
SUB = "    "  # a bar or a countdown is indented under its step


@dataclass
class _Step:
    title: str
    started: float
    announced: bool = False  # its "…" line is on screen
    waited: float = 0.0  # so the step's time and rate can leave the wait out
    first_byte: float | None = None  # when its upload began sending (after any wait)
    sent: int = 0


@dataclass
class _Upload:
    """One file being sent (Progress.key): the artifact, or one image of the images step."""

    name: str
    step: str
    first_byte: float
    sent: int = 0
    total: int = 0
    quarter: int = 0
    shown: bool = False  # its bar is on screen
    samples: deque[tuple[float, int]] = field(default_factory=deque)  # (when, bytes sent)

    def sample(self, now: float, done: int) -> None:
        self.sent = done
        self.samples.append((now, done))
        while len(self.samples) > 2 and now - self.samples[1][0] >= RATE_WINDOW:
            self.samples.popleft()

    def rate(self) -> float:
        """Bytes a second over the last RATE_WINDOW seconds: the first burst fills the socket's
        buffer far faster than the network drains it, and would promise an early finish."""
        (since, before), (now, done) = self.samples[0], self.samples[-1]
        return (done - before) / (now - since) if now > since else 0.0


@dataclass
class _Wait:
    reason: str
    began: float
    last_line: float | None = None  # a log's line per 10 s: the remaining time last said


def _terminal_size(stream: TextIO) -> Callable[[], tuple[int, int]]:
    def size() -> tuple[int, int]:
        try:
            columns, rows = os.get_terminal_size(stream.fileno())
        except (OSError, ValueError, AttributeError):  # not a terminal after all
            return 80, 24
        return columns or 80, rows or 24

    return size


class TerminalReporter:
    def __init__(
        self,
        stream: TextIO,
        *,
        redact: Redactor,
        tty: bool,
        color: bool,
        clock: Callable[[], float] = time.monotonic,
        size: Callable[[], tuple[int, int]] | None = None,  # the terminal's columns and rows
    ) -> None:
        self.stream = stream
        self.redact = redact
        self.color = color
        self.clock = clock
        self._size = size or _terminal_size(stream)
        self._live = LiveLines(stream, self._size) if tty else None
        self._lock = threading.Lock()  # the images report from their own threads
        self._steps: dict[str, _Step] = {}
        self._uploads: dict[str, _Upload] = {}
        self._waits: dict[str, _Wait] = {}  # by the waiting step's key ("": not named)
        self._last_draw = 0.0
        self._errors_shown: set[str] = set()  # the closing line does not repeat one of these
        self._closed = False

    # -- plumbing -----------------------------------------------------------------------------
    def _paint(self, text: str, color: str) -> str:
        return f"\x1b[{_COLORS[color]}m{text}\x1b[0m" if self.color else text

    def line(self, text: str) -> None:
        """A line that never changes: above the live ones on a terminal."""
        safe = self.redact(text)
        if self._live is not None:
            self._live.paint([safe])
            return
        self.stream.write(safe + "\n")
        self.stream.flush()

    def _show(self, key: Hashable, text: str, under: Hashable | None = None) -> None:
        assert self._live is not None
        self._live.show(key, self.redact(text), under=under)

    def _final_state(self, key: Hashable, text: str) -> None:
        assert self._live is not None
        self._live.finish(key, self.redact(text))

    def error_shown(self, message: str) -> None:
        """`message` is on screen already (here, or as an annotation): the end won't repeat it."""
        self._errors_shown.add(message)

    # -- events ---------------------------------------------------------------------------------
    def emit(self, event: ev.Event) -> None:
        with self._lock:
            if not self._closed:  # a helper thread's progress after SIGINT: the result is out
                self._emit(event)

    def _emit(self, event: ev.Event) -> None:
        if "" in self._waits and not isinstance(event, ev.Waiting):
            self._wait_over("")  # a wait that names no step lasts until anything else happens
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
        self._steps[event.key] = _Step(event.title, self.clock())
        if self._live is not None:  # a live "…" line, rewritten to the step's result
            self._show(event.key, f"  {self._paint('…', 'dim')} {event.title}")
            self._live.paint()
            self._steps[event.key].announced = True

    def _announce_open_steps(self) -> None:
        """In a log, a step's "…" line appears only once it has progress, a wait or a retry."""
        for step in self._steps.values():
            if not step.announced:
                step.announced = True
                self.line(f"  {self._paint('…', 'dim')} {step.title}")

    def _finished(self, event: ev.StepFinished) -> None:
        self._wait_over(event.key)
        now = self.clock()
        step = self._steps.pop(event.key, None)
        mark, tone = _MARKS[event.outcome]
        detail = f": {event.detail}" if event.detail else ""
        text = f"  {self._paint(mark, tone)} {event.title}{detail}{self._timing(step, now)}"
        self._stop_bars(event.key)
        if self._live is not None and event.key in self._live:
            self._final_state(event.key, text)
            self._live.paint()
        else:
            self.line(text)

    def _timing(self, step: _Step | None, now: float) -> str:
        """` (sent at 2.6 MB/s, 0.3s, after waiting 9.8s)`: sending time, not the wait."""
        if step is None:
            return ""
        took = now - step.started - step.waited
        parts = []
        if step.sent and step.first_byte is not None and now - step.first_byte >= 0.05:
            rate = step.sent / (now - step.first_byte)
            parts.append(f"sent at {human_size(int(rate))}/s")
        if took >= 1 or parts:
            parts.append(f"{took:.1f}s")
        if step.waited >= 0.05:
            parts.append(f"after waiting {step.waited:.1f}s")
        return f" ({', '.join(parts)})" if parts else ""

    # -- upload progress ----------------------------------------------------------------------
    def _progress(self, event: ev.Progress) -> None:
        now = self.clock()
        step_key = event.step or event.key
        self._wait_over(step_key)  # sending: the wait before it is over
        upload = self._uploads.get(event.key)
        if upload is None or event.done < upload.sent:  # a first byte, or a retry from the start
            shown = upload is not None and upload.shown  # a retry's bar takes the same line
            upload = _Upload(event.name or event.key, step_key, now, shown=shown)
            self._uploads[event.key] = upload
        finished_before = upload.sent >= event.total > 0
        done = event.done >= event.total
        upload.total = event.total
        upload.sample(now, event.done)
        if event.key == step_key:  # the step's own upload: its rate goes on the step's line
            step = self._steps.setdefault(step_key, _Step(step_key, now))
            step.first_byte = now if step.first_byte is None else step.first_byte
            step.sent = event.done
        if finished_before:
            return  # the monitor reports 100 % more than once: say it once
        if self._live is not None:
            # A bar for uploads that take a while; a quick one is just its step's result line.
            if upload.shown or (now - upload.first_byte >= BAR_AFTER and not done):
                self._bar(event, upload, now)
            return
        if event.key != step_key:
            return  # one file of several side by side (the images): its lines would interleave
        self._announce_open_steps()
        total = max(event.total, 1)
        quarter = int(min(event.done / total, 1.0) * 4)
        if quarter > upload.quarter:
            upload.quarter = quarter
            sending = now - upload.first_byte
            rate = f", {human_size(int(event.done / sending))}/s" if sending >= 0.05 else ""
            self.line(
                f"{SUB}{event.done / total:.0%} {human_size(event.done)} of "
                f"{human_size(event.total)}{rate}"
            )

    def _bar(self, event: ev.Progress, upload: _Upload, now: float) -> None:
        assert self._live is not None
        key, sending = ("bar", event.key), now - upload.first_byte
        first = not upload.shown
        upload.shown = True
        if event.done >= event.total:
            self._final_state(key, SUB + uploaded(upload.name, event.total, sending))
        else:
            width = self._size()[0] - 1 - len(SUB)
            name, ellipsis = self._live.writable(upload.name), self._live.writable("…")
            text = uploading(name, event.done, event.total, upload.rate(), width, ellipsis)
            self._show(key, SUB + text, under=upload.step)
        if first or now - self._last_draw >= REDRAW or event.done >= event.total:
            self._last_draw = now
            self._live.paint()

    def _stop_bars(self, step: str | None) -> None:
        """The uploads of `step` (None: all) are over; a bar still live when its step ended (a
        failure, a signal) says where it stopped."""
        for key, upload in list(self._uploads.items()):
            if step is not None and upload.step != step:
                continue
            del self._uploads[key]
            if self._live is not None and upload.shown and self._live.is_live(("bar", key)):
                text = stopped(upload.name, upload.sent, upload.total)
                self._final_state(("bar", key), SUB + text)

    # -- waiting ----------------------------------------------------------------------------------
    def _waiting(self, event: ev.Waiting) -> None:
        if event.remaining <= 0:
            self._wait_over(event.key)
            return
        wait = self._waits.setdefault(event.key, _Wait(event.reason, self.clock()))
        if self._live is not None:
            text = f"{SUB}⏳ {event.reason}: {event.remaining:4.1f}s left"
            self._show(("wait", event.key), text, under=event.key or None)
            self._live.paint()
            return
        self._announce_open_steps()
        if wait.last_line is None or wait.last_line - event.remaining >= 10:
            wait.last_line = event.remaining
            self.line(f"  waiting {event.remaining:.0f}s: {event.reason}")

    def _wait_over(self, key: str) -> None:
        """The wait's line says how long it took; the steps that waited leave it out of theirs."""
        wait = self._waits.pop(key, None)
        if wait is None:
            return
        took = self.clock() - wait.began
        for step_key, step in self._steps.items():
            if step_key == key or not key:  # a wait that names no step held every open step
                step.waited += took
        if self._live is not None:
            self._final_state(("wait", key), f"{SUB}⏳ waited {took:.1f}s: {wait.reason}")
            self._live.paint()
        else:
            self.line(f"  waited {took:.1f}s: {wait.reason}")

    def _final(self, report: RunReport | CommandReport) -> None:
        lines = final_lines(report)
        if report.error in self._errors_shown and lines[:1] == [f"✗ {report.error}"]:
            lines[0] = f"✗ {report.command} failed: the error above"
        for text in lines:
            tone = "red" if report.exit_code else "green"
            self.line(self._paint(text, tone) if text.startswith(("✓", "✗")) else text)

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            for key in list(self._waits):
                self._wait_over(key)
            self._stop_bars(None)
            if self._live is not None:
                self._live.close()
