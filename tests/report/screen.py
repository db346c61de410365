"""What a terminal would show after some output: enough of VT100 for \\r, \\t, erase line, erase
below, cursor up and colours (the sequences our reporter writes), so tests can assert on the
screen."""

from __future__ import annotations

import re

_ESCAPE = re.compile(r"\x1b\[(\??[0-9;]*)([A-Za-z])")


def screen(raw: str, width: int | None = None, height: int | None = None) -> list[str]:
    """The rows on screen and in the scrollback; with `width`, a line longer than that wraps onto
    the next row, as on a terminal that many columns wide; with `height`, rows that scrolled off
    the top can no longer be reached by a cursor-up, as on a terminal that many rows high."""
    lines, row, col = [""], 0, 0
    top = 0  # the first row on screen; the rows above it are scrollback
    position = 0

    def next_row() -> None:
        nonlocal row, col, top
        row, col = row + 1, 0
        if row == len(lines):
            lines.append("")
        if height is not None:
            top = max(top, row - height + 1)

    while position < len(raw):
        found = _ESCAPE.match(raw, position)
        if found:
            argument, command = found.groups()
            if command == "K":
                lines[row] = lines[row][:col] if argument == "" else ""
            elif command == "J":  # erase from the cursor to the end of the screen
                lines[row] = lines[row][:col]
                del lines[row + 1 :]
            elif command == "A":
                row = max(top, row - int(argument or 1))
            position = found.end()
            continue
        char = raw[position]
        position += 1
        if char == "\r":
            col = 0
        elif char == "\n":
            next_row()
        elif char == "\t":  # to the next tab stop, never past the last column
            col = (col // 8 + 1) * 8 if width is None else min((col // 8 + 1) * 8, width - 1)
        else:
            if width is not None and col >= width:  # the terminal wraps the line
                next_row()
            text = lines[row].ljust(col)
            lines[row] = text[:col] + char + text[col + 1 :]
            col += 1
    return [line.rstrip() for line in lines if line.strip()]
