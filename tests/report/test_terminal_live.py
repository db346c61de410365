"""The live lines of the terminal reporter (issue #21): the upload bar is labelled with the file
and its size, as twine's is; a bar, a countdown or a step that ends is rewritten to its final
state; several live at once (images beside the artifact) leave no stray line; a log stays plain.

Driven with events, a fake clock and a fake terminal size; `screen` replays what was written
(wrapping at that width) so the asserts read what a person would see.
"""

from __future__ import annotations

import io
import re

import pytest

from publisher import events as ev
from publisher.report.bar import cells
from publisher.report.encoding import encodable
from publisher.report.terminal import TerminalReporter
from publisher.secrets import Redactor
from tests.report.screen import screen

MB = 1_000_000
SPACING = "Marketplace allows one artifact upload every 10 s"


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _reporter(
    width: int = 100, tty: bool = True, height: int = 24
) -> tuple[TerminalReporter, io.StringIO, Clock]:
    clock, out = Clock(), io.StringIO()
    reporter = TerminalReporter(
        out, redact=Redactor(), tty=tty, color=False, clock=clock, size=lambda: (width, height)
    )
    return reporter, out, clock


def _send(
    reporter: TerminalReporter, clock: Clock, name: str, size: int, steps: int = 10, **kw: str
) -> None:
    """`size` bytes of `name` in `steps` events, 0.125 s apart (a bar shows after 0.3 s)."""
    key = kw.get("key", "artifact")
    for i in range(steps + 1):
        reporter.emit(ev.Progress(key, size * i // steps, size, name, kw.get("step", "")))
        clock.now += 0.125


def _wait(reporter: TerminalReporter, clock: Clock, seconds: int, key: str = "artifact") -> None:
    for left in range(seconds, 0, -1):
        reporter.emit(ev.Waiting(SPACING, float(left), float(seconds), key))
        clock.now += 1
    reporter.emit(ev.Waiting(SPACING, 0.0, float(seconds), key))


def test_the_bar_names_the_file_and_its_size() -> None:
    reporter, out, clock = _reporter()
    reporter.emit(ev.StepStarted("artifact", "upload artifact target/my-app-1.4.2.jar"))
    for done in (0, 1, 2, 3, 4):
        reporter.emit(ev.Progress("artifact", done * MB, 10 * MB, "my-app-1.4.2.jar"))
        clock.now += 0.5
    bar = [line for line in screen(out.getvalue(), 100) if "%" in line]
    assert len(bar) == 1, bar
    assert bar[0].startswith("    Uploading my-app-1.4.2.jar  40% ━"), bar
    assert bar[0].endswith(" 4.0/10.0 MB • 0:00:03 • 2.0 MB/s"), bar
    assert "target/" not in bar[0]  # the file's name, not its path


def _two_thirds(width: int, name: str) -> list[str]:
    """The screen two thirds into sending `name`, and the last live block painted."""
    reporter, out, clock = _reporter(width=width)
    reporter.emit(ev.StepStarted("artifact", f"upload artifact target/{name}"))
    for done in range(0, 20 * MB, MB):
        reporter.emit(ev.Progress("artifact", done, 30 * MB, name))
        clock.now += 0.125
    live = out.getvalue().rsplit("\x1b[J", 1)[-1]  # the last paint: the block as it is now
    assert all(len(line) <= width - 1 for line in screen(live)), live  # never the last column
    return screen(out.getvalue(), width)


def test_on_a_narrow_terminal_the_name_is_shortened_in_its_middle() -> None:
    name = "timesheets-enterprise-edition-for-jira-1.4.2-SNAPSHOT.jar"
    wide = next(line for line in _two_thirds(140, name) if "Uploading" in line)
    assert f"Uploading {name}  63% ━" in wide, wide
    narrow = next(line for line in _two_thirds(90, name) if "Uploading" in line)
    assert "Uploading timesheets-e…SNAPSHOT.jar  63% ━━━━━━╸─── 19.0" in narrow, narrow
    assert narrow.endswith(" 19.0/30.0 MB • 0:00:01 • 8.0 MB/s"), narrow
    narrowest = next(line for line in _two_thirds(60, name) if "Uploading" in line)
    assert narrowest.endswith("Uploading timesheets-en…-SNAPSHOT.jar  63% 19.0/30.0 MB"), narrowest


def test_the_rate_and_time_left_are_of_the_last_seconds_not_of_the_first_burst() -> None:
    """The socket's buffer takes the first 4 MB at once; then the network drains 1 MB a second."""
    reporter, out, clock = _reporter()
    reporter.emit(ev.StepStarted("artifact", "upload artifact target/my-app-1.4.2.jar"))
    reporter.emit(ev.Progress("artifact", 0, 30 * MB, "my-app-1.4.2.jar"))
    clock.now += 0.125
    for done in range(4 * MB, 15 * MB, MB // 4):
        reporter.emit(ev.Progress("artifact", done, 30 * MB, "my-app-1.4.2.jar"))
        clock.now += 0.25
    bar = next(line for line in screen(out.getvalue()) if "Uploading" in line)
    assert bar.endswith(" 14.8/30.0 MB • 0:00:15 • 1.0 MB/s"), bar


def test_a_finished_upload_and_wait_show_their_final_state() -> None:
    reporter, out, clock = _reporter()
    reporter.emit(ev.StepStarted("artifact", "upload artifact target/my-app-1.4.2.jar"))
    _wait(reporter, clock, 12)
    _send(reporter, clock, "my-app-1.4.2.jar", 12_300_000, steps=4)
    reporter.emit(ev.Progress("artifact", 12_300_000, 12_300_000, "my-app-1.4.2.jar"))  # again
    clock.now += 0.3  # Marketplace reads the jar before it answers
    reporter.emit(ev.StepFinished("artifact", "artifact target/my-app-1.4.2.jar", "done", "id 7"))
    reporter.close()
    shown = screen(out.getvalue(), 100)
    assert shown == [
        "  ✓ artifact target/my-app-1.4.2.jar: id 7 (sent at 13.3 MB/s, 0.9s, after waiting 12.0s)",
        f"    ⏳ waited 12.0s: {SPACING}",
        "    Uploaded my-app-1.4.2.jar (12.3 MB) in 0.5 s",
    ]
    assert not [line for line in shown if "%" in line or "left" in line or "…" in line]


def test_an_upload_cut_short_says_where_it_stopped() -> None:
    reporter, out, clock = _reporter()
    reporter.emit(ev.StepStarted("artifact", "upload artifact target/my-app-1.4.2.jar"))
    for done in (0, 1, 2, 3, 4):
        reporter.emit(ev.Progress("artifact", done * MB, 10 * MB, "my-app-1.4.2.jar"))
        clock.now += 0.2
    reporter.emit(ev.StepFinished("artifact", "artifact target/my-app-1.4.2.jar", "failed"))
    reporter.close()
    shown = screen(out.getvalue(), 100)
    assert shown[-1] == "    Upload of my-app-1.4.2.jar stopped at 40% (4.0/10.0 MB)", shown
    assert not [line for line in shown if "Uploading" in line or "…" in line]


def test_images_beside_the_artifact_leave_no_stray_line() -> None:
    """Two images (each a part of the images step) and the artifact, all live at once, in the
    order a helper thread and the main thread interleave them."""
    reporter, out, clock = _reporter()
    reporter.emit(ev.StepStarted("images", "upload 2 listing images"))
    reporter.emit(ev.StepStarted("artifact", "upload artifact target/my-app-1.4.2.jar"))
    images = {"image:docs/hero.png": "hero.png", "image:docs/overview.png": "overview.png"}
    for i in range(9):
        for key, name in images.items():
            reporter.emit(ev.Progress(key, MB * min(i, 8) // 8, MB, name, "images"))
        reporter.emit(ev.Progress("artifact", 30 * MB * i // 20, 30 * MB, "my-app-1.4.2.jar"))
        clock.now += 0.1
    during = screen(out.getvalue(), 100)
    assert [line.split()[0] for line in during if line.startswith("    ")] == [
        "Uploaded",
        "Uploaded",
        "Uploading",
    ], during  # under their steps: the images' two final lines, the artifact's live bar
    assert len(during) == len(set(during)) == 5, during
    reporter.emit(ev.StepFinished("images", "2 listing images uploaded", "done"))
    _send(reporter, clock, "my-app-1.4.2.jar", 30 * MB, steps=4)
    reporter.emit(ev.StepFinished("artifact", "artifact target/my-app-1.4.2.jar", "done", "id 7"))
    reporter.close()
    shown = screen(out.getvalue(), 100)
    assert [line.split(" (")[0] for line in shown] == [
        "  ✓ 2 listing images uploaded",
        "    Uploaded hero.png",
        "    Uploaded overview.png",
        "  ✓ artifact target/my-app-1.4.2.jar: id 7",
        "    Uploaded my-app-1.4.2.jar",
    ]


def test_a_finished_line_wider_than_the_terminal_leaves_no_fragment() -> None:
    reporter, out, _ = _reporter(width=60)
    reporter.emit(ev.StepStarted("artifact", "upload artifact target/my-app-1.4.2.jar"))
    reporter.emit(ev.StepStarted("version:dc", "create datacenter version 1.4.2"))
    reporter.emit(ev.StepFinished("artifact", "artifact target/my-app-1.4.2.jar", "done", "x" * 30))
    shown = screen(out.getvalue(), 60)
    assert shown == [
        "  ✓ artifact target/my-app-1.4.2.jar: " + "x" * 22,  # wrapped, as printed lines may be
        "x" * 8,  # and nothing of the "…" line that row held before
        "  … create datacenter version 1.4.2",
    ], shown


def test_a_log_gets_a_start_line_only_for_a_step_with_more_to_say_and_no_escape_codes() -> None:
    reporter, out, clock = _reporter(tty=False)
    reporter.emit(ev.StepStarted("version:dc", "create datacenter version 1.4.2"))
    reporter.emit(ev.StepFinished("version:dc", "datacenter version 1.4.2", "done", "created"))
    reporter.emit(ev.StepStarted("images", "upload 1 listing image"))
    reporter.emit(ev.StepStarted("artifact", "upload artifact target/my-app-1.4.2.jar"))
    _wait(reporter, clock, 12)
    _send(reporter, clock, "hero.png", MB, key="image:hero.png", step="images")
    reporter.emit(ev.StepFinished("images", "1 listing image uploaded", "done"))
    _send(reporter, clock, "my-app-1.4.2.jar", 10 * MB, steps=2)
    reporter.emit(ev.StepFinished("artifact", "artifact target/my-app-1.4.2.jar", "done", "id 7"))
    reporter.close()
    text = out.getvalue()
    assert "\r" not in text and "\x1b" not in text
    assert "  ✓ 1 listing image uploaded (13.4s)" in text  # the artifact's wait is not its own
    lines = [line.split(" (")[0] for line in text.splitlines()]
    assert lines == [
        "  ✓ datacenter version 1.4.2: created",  # nothing more to say: no start line
        "  … upload 1 listing image",  # the artifact's wait is printed while it is open
        "  … upload artifact target/my-app-1.4.2.jar",
        f"  waiting 12s: {SPACING}",
        f"  waiting 2s: {SPACING}",
        f"  waited 12.0s: {SPACING}",
        "  ✓ 1 listing image uploaded",  # an image's progress is not a log line of its own
        "    50% 5.0 MB of 10.0 MB, 40.0 MB/s",
        "    100% 10.0 MB of 10.0 MB, 40.0 MB/s",
        "  ✓ artifact target/my-app-1.4.2.jar: id 7",
    ]


_REWIND = re.compile(r"\x1b\[(\d+)A\r\x1b\[J")


def _blocks(raw: str) -> list[list[str]]:
    """Each live block as the next paint's cursor-up counts it: the rows it goes back over."""
    parts = _REWIND.split(raw)  # text, count, text, count, ..., text
    return [parts[i].splitlines()[-int(parts[i + 1]) :] for i in range(0, len(parts) - 1, 2)]


def _one_row_each(raw: str, width: int) -> None:
    """Every row the cursor-up counts takes exactly one row on a `width` terminal."""
    for block in _blocks(raw):
        for row in block:
            assert cells(row) <= width - 1 and not set(row) & set("\t\r"), (row, block)


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_live_lines_are_measured_as_the_encoding_writes_them(encoding: str) -> None:
    """Under PYTHONIOENCODING=ascii `…` is written `...`, `⏳` `...` and a Japanese name
    `\\u30bf...`: each live line is cut to the width as written, or it wraps."""
    raw = io.BytesIO()
    out = encodable(io.TextIOWrapper(raw, encoding=encoding, write_through=True))
    clock = Clock()
    reporter = TerminalReporter(
        out, redact=Redactor(), tty=True, color=False, clock=clock, size=lambda: (60, 24)
    )
    name = "タイムシート-1.4.2.jar"
    reporter.emit(ev.StepStarted("images", "upload 1 listing image for the app's Marketplace…"))
    reporter.emit(ev.StepStarted("artifact", f"upload artifact target/{name}"))
    _wait(reporter, clock, 3)
    _send(reporter, clock, name, 10 * MB, steps=8)
    reporter.emit(ev.StepFinished("artifact", f"artifact target/{name}", "done", "id 7"))
    reporter.emit(ev.StepFinished("images", "1 listing image uploaded", "done"))
    reporter.close()
    written = raw.getvalue().decode(encoding)
    _one_row_each(written, 60)
    bar = _blocks(written)[-3][-1]  # the bar's last paint before it finished
    assert bar == "    Uploading \\u30bf\\u30a4\\...c8-1.4.2.jar  88% 8.8/10.0 MB", bar
    shown = screen(written, 60)
    assert not [line for line in shown if "Uploading" in line or "left" in line], shown
    assert shown[:2] == [  # a printed line may wrap
        "  + 1 listing image uploaded (4.1s)",
        "  + artifact target/\\u30bf\\u30a4\\u30e0\\u30b7\\u30fc\\u30c8-1.4",
    ], shown


def test_a_line_break_or_tab_in_a_live_line_takes_one_row() -> None:
    reporter, out, _ = _reporter(width=60)
    reporter.emit(ev.StepStarted("artifact", "upload artifact target/my\napp.jar"))
    reporter.emit(ev.StepStarted("images", "upload\t1\tlisting\timage\tnamed\ttabs.png"))
    reporter.emit(ev.StepStarted("version:dc", "create datacenter version 1.4.2"))
    reporter.emit(ev.StepFinished("version:dc", "datacenter version 1.4.2", "done", "created"))
    _one_row_each(out.getvalue(), 60)
    assert screen(out.getvalue(), 60) == [
        "  … upload artifact target/my\\napp.jar",
        "  … upload\\t1\\tlisting\\timage\\tnamed\\ttabs.png",
        "  ✓ datacenter version 1.4.2: created",
    ]


def test_events_after_close_write_nothing() -> None:
    """A helper thread still sending an image when SIGINT closed the reporter: its progress
    must not reopen a live block below the final result."""
    reporter, out, clock = _reporter()
    reporter.emit(ev.StepStarted("images", "upload 1 listing image"))
    reporter.emit(ev.Progress("image:hero.png", 0, MB, "hero.png", "images"))
    reporter.close()
    closed = out.getvalue()
    _send(reporter, clock, "hero.png", MB, key="image:hero.png", step="images")
    reporter.emit(ev.StepStarted("artifact", "upload artifact target/my-app-1.4.2.jar"))
    _wait(reporter, clock, 2)
    reporter.emit(ev.StepFinished("images", "1 listing image uploaded", "done"))
    assert out.getvalue() == closed


@pytest.mark.parametrize("height", [24, 5, 2])
def test_the_live_block_is_never_taller_than_the_terminal(height: int) -> None:
    """30 images sent beside the artifact: each finished bar stays under the open images step
    until it ends. A block taller than the screen would scroll its top out of the cursor-up's
    reach and leave copies behind, so the block keeps to height - 1 rows and counts the rest."""
    reporter, out, clock = _reporter(height=height)
    reporter.emit(ev.StepStarted("images", "upload 30 listing images"))
    reporter.emit(ev.StepStarted("artifact", "upload artifact target/my-app-1.4.2.jar"))
    names = [f"screenshot-{i:02d}.png" for i in range(30)]
    for i, name in enumerate(names):
        reporter.emit(ev.Progress("artifact", MB * i, 60 * MB, "my-app-1.4.2.jar"))
        _send(reporter, clock, name, MB, steps=4, key=f"image:{name}", step="images")
    assert max(len(block) for block in _blocks(out.getvalue())) == height - 1
    during = screen(out.getvalue(), 100, height)
    assert len(during) == len(set(during)), during  # no copy left behind by a short cursor-up
    hidden = 33 - (height - 2)  # the images step, 30 bars, the artifact's step and bar
    assert f"{'  ' if height == 2 else '    '}… and {hidden} more" in during, during
    if height > 2:
        assert during[-2:] == [
            "  … upload artifact target/my-app-1.4.2.jar",
            "    Uploading my-app-1.4.2.jar  48% ━━━━━━━━━━━━━━─────────────── 29.0/60.0 MB"
            " • 0:00:19 • 1.6 MB/s",
        ], during
    reporter.emit(ev.StepFinished("images", "30 listing images uploaded", "done"))
    reporter.emit(ev.StepFinished("artifact", "artifact target/my-app-1.4.2.jar", "done", "id 7"))
    reporter.close()
    shown = screen(out.getvalue(), 100, height)
    assert [line.split(" (")[0] for line in shown] == [
        "  ✓ 30 listing images uploaded",
        *[f"    Uploaded {name}" for name in names],
        "  ✓ artifact target/my-app-1.4.2.jar: id 7",
        "    Upload of my-app-1.4.2.jar stopped at 48%",
    ], shown
