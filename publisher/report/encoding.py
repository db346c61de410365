"""Output that the stream's encoding can carry: the one place that picks the marks for it.

On an ASCII-only (`PYTHONIOENCODING=ascii`, `LANG=C` on an old CI agent) or legacy code page
output, the first `▸` or `✗` would raise UnicodeEncodeError and end the run with exit 1. Every
human-facing stream is wrapped by `encodable`: text the encoding can carry passes unchanged, the
marks and punctuation we print fall back to ASCII (`✓` -> `+`, `✗` -> `x`, `→` -> `->`), and
anything else (an app name in another script) is written as a backslash escape, never dropped.
"""

from __future__ import annotations

import codecs
from typing import TextIO, cast

# Our marks and the punctuation of our messages; the replacement each gets when it cannot be
# written. None is empty and none is `[` or `:`: the fallback runs after the workflow-command
# guard (publisher.report.workflow), so it must never rebuild a `::` line start or `##[`.
FALLBACKS = {
    "▸": ">",
    "✓": "+",
    "✗": "x",
    "…": "...",
    "↻": "~",
    "⏳": "...",
    "→": "->",
    "←": "<-",
    "–": "-",
    "—": "-",
    "•": "*",
    "·": "-",
    "×": "x",
    "≥": ">=",
    "≤": "<=",
    "‘": "'",
    "’": "'",
    "“": '"',
    "”": '"',
    "«": "<<",
    "»": ">>",
    "\u00a0": " ",
    "━": "=",  # the upload bar (publisher.report.bar): done, the half cell, what is left
    "╸": "=",
    "─": "-",
}
_TABLE = str.maketrans(FALLBACKS)
_UNICODE_ENCODINGS = ("utf-8", "utf-16", "utf-32", "utf-8-sig")


def can_carry_everything(encoding: str | None) -> bool:
    """True for the Unicode encodings (and an unnamed one: an in-memory stream)."""
    if not encoding:
        return True
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return False
    return name.startswith(_UNICODE_ENCODINGS)


def fallback(text: str, encoding: str) -> str:
    """`text` as the encoding can carry it: our marks in ASCII, the rest backslash-escaped."""
    try:
        text.encode(encoding)
        return text
    except UnicodeEncodeError:
        pass
    except LookupError:
        encoding = "ascii"
    return text.translate(_TABLE).encode(encoding, "backslashreplace").decode(encoding)


class EncodableStream:
    """A text stream whose writes never raise UnicodeEncodeError (see the module doc)."""

    def __init__(self, stream: TextIO, encoding: str) -> None:
        self.stream = stream
        self._encoding = encoding

    def write(self, text: str) -> int:
        self.stream.write(fallback(text, self._encoding))
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()

    def fileno(self) -> int:
        return self.stream.fileno()

    @property
    def encoding(self) -> str:
        return self._encoding


def encodable(stream: TextIO) -> TextIO:
    """`stream` itself when its encoding carries all of Unicode, else it wrapped."""
    encoding = getattr(stream, "encoding", None)
    if can_carry_everything(encoding) or isinstance(stream, EncodableStream):
        return stream
    return cast(TextIO, EncodableStream(stream, str(encoding)))
