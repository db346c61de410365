"""Text that cannot start a GitHub workflow command unless we mean it.

The runner reads every line of a step's stdout and stderr (split at CR, LF or CRLF): a line whose
text, after leading whitespace, starts with `::` is a command (`::error::`, `::add-mask::`...),
and `##[name]` anywhere in a line is the older form. Server answers, file names and release notes
reach our lines, so every line we do not mean as a command is neutralised: a leading `::` gets a
visible `» ` in front, and `##[` becomes `##［` (a full-width bracket). Commands we mean are built
with actions-toolkit's `Command`, which escapes CR/LF in their data, and written around this.
"""

from __future__ import annotations

import re
from typing import TextIO

_BREAK = re.compile(r"(\r\n|\r|\n)")
COMMAND_GUARD = "» "
OLD_FORM = "##["
OLD_FORM_SAFE = "##\uff3b"


def neutralise_line(line: str) -> str:
    """One physical line (no CR/LF in it) that the runner will not read as a command."""
    line = line.replace(OLD_FORM, OLD_FORM_SAFE)
    return COMMAND_GUARD + line if line.lstrip().startswith("::") else line


def neutralise(text: str) -> str:
    """Every line of `text` neutralised; the line breaks are kept as they are."""
    parts = _BREAK.split(text)
    return "".join(p if i % 2 else neutralise_line(p) for i, p in enumerate(parts))


def _undecided(head: str) -> bool:
    """A line start that more text could still turn into `::` or `##[`."""
    rest = head.lstrip()
    return rest in ("", ":", "#", "##") or rest.endswith(("#", "##"))


class CommandSafeStream:
    """A text stream that neutralises every line written through it (see the module doc).

    A line start that could still become a command is held back until the line is decided,
    so splitting `::` across two writes does not get past it.
    """

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self._head = ""  # the current line's text held back, not yet written
        self._midline = False  # part of the current line is written: its start is decided

    def write(self, text: str) -> int:
        parts = _BREAK.split(self._head + text)
        self._head = ""
        out: list[str] = []
        for i in range(0, len(parts) - 1, 2):
            out += [self._line(parts[i]), parts[i + 1]]
            self._midline = False
        tail = parts[-1]
        if tail and _undecided(tail):
            self._head = tail
        elif tail:
            out.append(self._line(tail))
            self._midline = True
        self.stream.write("".join(out))
        return len(text)

    def _line(self, text: str) -> str:
        return text.replace(OLD_FORM, OLD_FORM_SAFE) if self._midline else neutralise_line(text)

    def flush(self) -> None:
        self.stream.flush()

    def release(self) -> None:
        """Write what is held back (before a command of ours, and at the end)."""
        if self._head:
            self.stream.write(self._line(self._head))
            self._head = ""
            self._midline = True

    def isatty(self) -> bool:
        return False

    @property
    def encoding(self) -> str:
        return getattr(self.stream, "encoding", None) or "utf-8"
