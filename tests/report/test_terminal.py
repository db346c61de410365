"""The terminal reporter: one line per step, an upload bar on a terminal, plain lines in CI,
rates and step times without the spacing wait, and NO_COLOR as no-color.org defines it."""

from __future__ import annotations

import io

import pytest

from publisher import events as ev
from publisher.report import choose_reporter
from publisher.report.terminal import TerminalReporter
from publisher.secrets import Redactor
from tests.report.screen import screen

MB = 1_000_000


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def _upload_with_wait(reporter: TerminalReporter, clock: Clock, repeats: int = 2) -> None:
    """A 10 s spacing wait, then 10 MB in 1 s; the monitor reports 100 % `repeats` times."""
    reporter.emit(ev.StepStarted("artifact", "upload artifact app.jar"))
    for left in range(10, 0, -1):
        reporter.emit(ev.Waiting("one artifact upload every 10 s", float(left), 10.0))
        clock.now += 1
    for done in range(0, 10 * MB + 1, MB):
        reporter.emit(ev.Progress("artifact", done, 10 * MB))
        clock.now += 0.1
    clock.now -= 0.1
    for _ in range(repeats - 1):
        reporter.emit(ev.Progress("artifact", 10 * MB, 10 * MB))
    reporter.emit(ev.StepFinished("artifact", "artifact app.jar", "done", "id 7"))
    reporter.close()


@pytest.mark.parametrize("tty", [False, True])
def test_the_100_percent_line_is_shown_once(tty: bool) -> None:
    clock, out = Clock(), io.StringIO()
    reporter = TerminalReporter(out, redact=Redactor(), tty=tty, color=False, clock=clock)
    _upload_with_wait(reporter, clock, repeats=3)
    shown = screen(out.getvalue())
    if tty:  # the bar is replaced by the step's one result line
        assert not [line for line in shown if "%" in line], shown
    else:
        full = [line for line in shown if "100%" in line]
        assert full == ["    100% 10.0 MB of 10.0 MB, 10.0 MB/s"]
    assert sum("✓ artifact app.jar" in line for line in shown) == 1


@pytest.mark.parametrize("tty", [False, True])
def test_the_rate_and_the_step_time_leave_out_the_wait(tty: bool) -> None:
    clock, out = Clock(), io.StringIO()
    reporter = TerminalReporter(out, redact=Redactor(), tty=tty, color=False, clock=clock)
    _upload_with_wait(reporter, clock)
    finished = [line for line in screen(out.getvalue()) if "✓" in line]
    assert finished == ["  ✓ artifact app.jar: id 7 (sent at 10.0 MB/s, 1.0s, after waiting 10.0s)"]


def test_on_a_terminal_the_bar_shows_percentage_bytes_rate_and_time_left() -> None:
    clock, out = Clock(), io.StringIO()
    reporter = TerminalReporter(out, redact=Redactor(), tty=True, color=False, clock=clock)
    reporter.emit(ev.StepStarted("artifact", "upload artifact app.jar"))
    for done in (0, 1, 2, 3, 4):
        reporter.emit(ev.Progress("artifact", done * MB, 10 * MB))
        clock.now += 0.5
    bar = [line for line in screen(out.getvalue()) if "%" in line]
    assert len(bar) == 1
    assert "40%" in bar[0] and "4.0/10.0 MB" in bar[0] and "2.0 MB/s" in bar[0]
    assert "0:00:03" in bar[0]  # time left: 6 MB at 2 MB/s
    reporter.close()


def test_a_step_with_nothing_more_to_say_is_one_line_in_a_log() -> None:
    out = io.StringIO()
    reporter = TerminalReporter(out, redact=Redactor(), tty=False, color=False, clock=Clock())
    reporter.emit(ev.StepStarted("version:dc", "create datacenter version 1.0"))
    reporter.emit(ev.StepFinished("version:dc", "datacenter version 1.0", "done", "created"))
    assert out.getvalue() == "  ✓ datacenter version 1.0: created\n"


def _reporter_output(env: dict[str, str], stream: io.StringIO) -> str:
    reporter = choose_reporter(json_output=False, redact=Redactor(), env=env, stdout=stream)
    reporter.emit(ev.StageStarted("plan"))
    reporter.emit(ev.StepStarted("a", "upload artifact"))
    reporter.emit(ev.Progress("a", 5, 10))
    reporter.close()
    return stream.getvalue()


@pytest.mark.parametrize(
    ("env", "colour"),
    [({}, True), ({"NO_COLOR": ""}, True), ({"NO_COLOR": "1"}, False)],
)
def test_only_a_non_empty_no_color_turns_colour_off(env: dict[str, str], colour: bool) -> None:
    assert ("\x1b[1m▸ plan" in _reporter_output(env, Tty())) is colour


@pytest.mark.parametrize("env", [{"CI": "true"}, {"CI": "1"}, {"GITHUB_ACTIONS": "false"}])
def test_ci_gets_plain_lines_even_on_a_terminal(env: dict[str, str]) -> None:
    text = _reporter_output(env, Tty())
    assert "\x1b" not in text and "\r" not in text
    assert text.splitlines() == ["▸ plan", "  … upload artifact", "    50% 5 B of 10 B"]


def test_ci_false_is_not_ci() -> None:
    assert "\r" in _reporter_output({"CI": "false"}, Tty())
