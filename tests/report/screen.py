"""What a terminal would show after some output: enough of VT100 for \\r, erase line, erase
below, cursor up and colours (the sequences our reporter writes), so tests can assert on the
screen."""

from __future__ import annotations

import re

_ESCAPE = re.compile(r"\x1b\[(\??[0-9;]*)([A-Za-z])")


def screen(raw: str, width: int | None = None) -> list[str]:
    """The rows on screen; with `width`, a line longer than that wraps onto the next row, as on
    a terminal that many columns wide."""
    lines, row, col = [""], 0, 0
    position = 0
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
                row = max(0, row - int(argument or 1))
            position = found.end()
            continue
        char = raw[position]
        position += 1
        if char == "\r":
            col = 0
        elif char == "\n":
            row, col = row + 1, 0
            if row == len(lines):
                lines.append("")
        else:
            if width is not None and col >= width:  # the terminal wraps the line
                row, col = row + 1, 0
                if row == len(lines):
                    lines.append("")
            text = lines[row].ljust(col)
            lines[row] = text[:col] + char + text[col + 1 :]
            col += 1
    return [line.rstrip() for line in lines if line.strip()]
