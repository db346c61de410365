"""The lines at the bottom of a terminal that are still changing: the open steps, their upload
bars and countdowns. Each is rewritten in place, by a key, until it is finished; then it keeps
its final text, and once every line above it is finished too it joins the lines that never
change (printed above the live ones, in the order they started). So several lines can be live
at once (images beside the artifact), and none is left behind showing a stale 97 % or "3 s left".

The cursor-up that rewrites the block must count its rows exactly. So every live line is cut
to the terminal's width as it will be written (after the encoding's fallbacks, report/encoding.py,
with a line break or tab shown rather than obeyed), as a wrapped line takes two rows; and the
block keeps to the terminal's height - 1 rows, as its top would scroll out of the cursor's reach:
past that, finished lines make room first, then the last live ones, and one row counts them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import TextIO

from publisher.report.bar import cells, cut
from publisher.report.encoding import can_carry_everything, fallback

_SGR = re.compile(r"\x1b\[[0-9;]*m")
_ONE_ROW = str.maketrans({"\n": "\\n", "\r": "\\r", "\t": "\\t"})


@dataclass
class _Line:
    key: Hashable
    text: str
    under: Hashable | None  # the line it belongs to (a step's bar is under the step)
    finished: bool = False


class LiveLines:
    def __init__(self, stream: TextIO, size: Callable[[], tuple[int, int]]) -> None:
        self.stream = stream
        self.size = size  # the terminal's columns and rows
        self._lines: list[_Line] = []
        self._rows = 0  # rows the live block takes on screen; the cursor is at the row below
        encoding = getattr(stream, "encoding", None)
        self._encoding = None if can_carry_everything(encoding) else str(encoding)

    def __contains__(self, key: Hashable) -> bool:
        return self._find(key) is not None

    def is_live(self, key: Hashable) -> bool:
        found = self._find(key)
        return found is not None and not found.finished

    def show(self, key: Hashable, text: str, *, under: Hashable | None = None) -> None:
        """Add a live line (last, or last of the lines `under` belongs to), or change one;
        a finished line shown again (a retry) is live again."""
        found = self._find(key)
        if found is not None:
            found.text, found.finished = text, False
        else:
            self._lines.insert(self._place(under), _Line(key, text, under))

    def finish(self, key: Hashable, text: str) -> None:
        """The line's final text; it joins the printed lines when those above it are final."""
        found = self._find(key)
        if found is None:
            self._lines.append(found := _Line(key, text, None))
        found.text, found.finished = text, True

    def paint(self, printed: list[str] | None = None) -> None:
        """Rewrite the live block, with `printed` (lines that never change) and the finished
        lines at its top moved above it for good."""
        kept = list(printed or [])
        while self._lines and self._lines[0].finished:
            kept.append(self._lines.pop(0).text)
        columns, rows = self.size()
        width = max(columns - 1, 10)  # the last column would wrap on some terminals
        live = [self._row(text, width) for text in _window(self._lines, max(rows - 1, 1))]
        # Up to the block's first row, erase from there down (a printed line may wrap over
        # two rows), then everything again.
        out = [f"\x1b[{self._rows}A\r\x1b[J"] if self._rows else []
        out += [f"{text}\n" for text in kept + live]
        self.stream.write("".join(out))
        self.stream.flush()
        self._rows = len(live)

    def close(self) -> None:
        """Every line becomes a printed one, as it is now."""
        for line in self._lines:
            line.finished = True
        self.paint()

    def writable(self, text: str) -> str:
        """`text` as a live row writes it: a line break or tab shown, not obeyed, and what the
        encoding cannot carry in its fallback (`…` -> `...`), so it is measured as written."""
        text = text.translate(_ONE_ROW)
        return text if self._encoding is None else fallback(text, self._encoding)

    def _row(self, text: str, width: int) -> str:
        """`text` in one row of at most `width` cells; colour codes are kept and cost no cells."""
        text = self.writable(text)
        plain = _SGR.sub("", text)
        if cells(plain) <= width:
            return text
        return cut(plain, width, self.writable("…"))  # a cut line loses its colour, not leaks it

    def _find(self, key: Hashable) -> _Line | None:
        return next((line for line in self._lines if line.key == key), None)

    def _place(self, under: Hashable | None) -> int:
        if under is None:
            return len(self._lines)
        block = [i for i, line in enumerate(self._lines) if under in (line.key, line.under)]
        return block[-1] + 1 if block else len(self._lines)


def _window(lines: list[_Line], rows: int) -> list[str]:
    """The texts of `lines` in at most `rows` rows: past that, the finished lines make room
    first (each is printed in full once the lines above it end), then the last live ones, and
    the first hidden line's row says how many are not shown."""
    if len(lines) <= rows:
        return [line.text for line in lines]
    hide = len(lines) - (rows - 1)
    finished = [i for i, line in enumerate(lines) if line.finished]
    live_from_last = [i for i in reversed(range(len(lines))) if not lines[i].finished]
    hidden = set((finished + live_from_last)[:hide])
    first = min(hidden)
    indent = lines[first].text[: len(lines[first].text) - len(lines[first].text.lstrip())]
    return [
        f"{indent}… and {hide} more" if i == first else line.text
        for i, line in enumerate(lines)
        if i == first or i not in hidden
    ]
