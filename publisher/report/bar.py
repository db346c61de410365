"""The words of one upload on a terminal, as twine shows them: the live line
`Uploading my-app-1.4.2.jar  40% ━━━━━━╸─────── 12.0/30.0 MB • 0:00:05 • 4.8 MB/s`, fitted
to the terminal's width (the file name shortened in its middle first), and the line it becomes.
"""

from __future__ import annotations

import unicodedata

from publisher.words import human_size

BAR_WIDTH = 30  # cells of the bar at most
_SHORTEST_BAR = 10  # below this the bar goes: the numbers say it all
_NAME_BESIDE_BAR = 20  # a name cut shorter than this would rather have the bar's room
_SHORTEST_NAME = 12  # a name is never cut shorter: "my-ap…2.jar" still tells files apart


def uploading(
    name: str, done: int, total: int, rate: float, width: int, ellipsis: str = "…"
) -> str:
    """The live line of an upload sending `rate` bytes a second, in at most `width` cells, with
    `name` as it will be written and `ellipsis` marking what was left out of it."""
    full, share = name, min(done / total, 1.0) if total > 0 else 0.0
    numbers = f"{sizes(done, total)} • {time_left(total - done, rate)} • {speed(rate)}"
    fixed = len("Uploading  ") + len(f"{share:4.0%} ") + 1 + cells(numbers)
    room = width - fixed  # for the name and the bar
    bar_cells = min(BAR_WIDTH, room - cells(name))
    if bar_cells < _SHORTEST_BAR:  # narrow: the name gives way first, then the bar
        if room - _SHORTEST_BAR >= _NAME_BESIDE_BAR:
            name, bar_cells = middle_cut(name, room - _SHORTEST_BAR, ellipsis), _SHORTEST_BAR
        else:
            name, bar_cells = middle_cut(name, max(_SHORTEST_NAME, room + 1), ellipsis), 0
    shown_bar = f"{bar(share, bar_cells)} " if bar_cells else ""
    line = f"Uploading {name} {share:4.0%} {shown_bar}{numbers}"
    if cells(line) > width:  # narrower still: the bytes only, then whatever fits
        numbers = sizes(done, total)
        short = middle_cut(full, max(_SHORTEST_NAME, width - 16 - cells(numbers)), ellipsis)
        line = cut(f"Uploading {short} {share:4.0%} {numbers}", width, ellipsis)
    return line


def uploaded(name: str, total: int, seconds: float) -> str:
    return f"Uploaded {name} ({human_size(total)}) in {seconds:.1f} s"


def stopped(name: str, done: int, total: int) -> str:
    """What a bar becomes when its step ended before the last byte (a failure, a signal)."""
    share = min(done / total, 1.0) if total > 0 else 0.0
    return f"Upload of {name} stopped at {share:.0%} ({sizes(done, total)})"


def bar(share: float, width: int) -> str:
    """`━━━━╸────`: done in heavy cells, a half cell at the edge, what is left in light ones."""
    halves = round(share * width * 2)
    full, half = divmod(halves, 2)
    done = "━" * full + ("╸" if half else "")
    return done + "─" * (width - len(done))


def sizes(done: int, total: int) -> str:
    """`12.0/30.0 MB`: both in the unit of the total, as a download column shows them."""
    whole = human_size(total)
    number, unit = whole.split(" ")
    scale = {"B": 1, "kB": 1e3, "MB": 1e6, "GB": 1e9}[unit]
    part = f"{done:.0f}" if unit == "B" else f"{done / scale:.1f}"
    return f"{part}/{number} {unit}"


def speed(rate: float) -> str:
    return f"{human_size(int(rate))}/s" if rate > 0 else "?/s"


def time_left(left: int, rate: float) -> str:
    if rate <= 0:
        return "-:--:--"
    seconds = int(max(left, 0) / rate + 0.5)
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"


def cells(text: str) -> int:
    """Terminal cells `text` takes: wide (CJK) characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def middle_cut(text: str, width: int, ellipsis: str = "…") -> str:
    """`my-app-…-1.4.2.jar`: the start and the end kept (the version and extension are there)."""
    if cells(text) <= width:
        return text
    keep = max(width - cells(ellipsis), 2)
    tail = keep // 2
    head = keep - tail
    return text[:head] + ellipsis + text[len(text) - tail :]


def cut(text: str, width: int, ellipsis: str = "…") -> str:
    """`text` in at most `width` cells, ending in `ellipsis` when something was left out."""
    if cells(text) <= width:
        return text
    kept, used, room = [], 0, width - cells(ellipsis)
    for char in text:
        size = cells(char)
        if used + size > room:
            break
        kept.append(char)
        used += size
    return "".join(kept) + ellipsis
