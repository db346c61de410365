"""Untrusted text cannot drive the reader's terminal: control characters are shown, not obeyed.

A server's answer or a file name with ESC sequences could clear the screen, rewrite earlier
lines or set the clipboard (OSC 52). Every event is passed through `visible_controls` before a
reporter sees it; line breaks and tabs stay, a lone CR becomes a line break (CI logs read it so).
"""

from __future__ import annotations

import re

_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LONE_CR = re.compile(r"\r(?!\n)")


def visible_controls(text: str) -> str:
    if not _CONTROLS.search(text) and "\r" not in text:
        return text
    text = _LONE_CR.sub("\n", text)
    return _CONTROLS.sub(lambda m: f"\\x{ord(m.group(0)):02x}", text)
