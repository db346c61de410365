"""The one escaper for text that reaches a job summary: it renders as the text, never as markup.

A job summary is GitHub Flavored Markdown with HTML allowed, and much of what it shows is chosen
by others: Marketplace's error details, app names and ids, file names, release.yml values. Put in
raw, `![x](https://tracker.example/p.png)` loads an image from any host, `[log in](https://...)`
is a link, `<details>` or `</summary>` re-shapes the page, a `|` splits a table cell, a newline
ends a table row, and `https://...` or `@name` become links on their own.

So every such string goes through `text` (or `code`, `link`, `fence`). Each writes what could be
markup as an HTML character reference (`&#91;` for `[`), which reads the same in both places a
string lands: Markdown text (table cells, paragraphs, headings) and raw HTML (a `<summary>` line),
so one function is right everywhere and a caller never has to know which it is in.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

# Markdown and HTML punctuation, plus `$` (math), `@` (mentions, e-mail links) and `:` of `://`.
_ENTITIES = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    '"': "&quot;",
    "`": "&#96;",
    "\\": "&#92;",
    "*": "&#42;",
    "_": "&#95;",
    "[": "&#91;",
    "]": "&#93;",
    "|": "&#124;",
    "~": "&#126;",
    "#": "&#35;",
    "$": "&#36;",
    "@": "&#64;",
}
# One pass: each punctuation mark, and the `:` of `https://` and `.` of `www.` (autolinks).
_SPECIAL = re.compile(r"[&<>\"`\\*_\[\]|~#$@]|(?i:(?<=[a-z0-9+.-]):(?=//)|(?<=www)\.)")
# What opens a list item (`- `, `+ `, `1. `, `2) `) or makes a rule or heading underline (`---`,
# `===`) at the start of a line; `10.3.0` or `-1` do not.
_BLOCK_START = re.compile(r"^(?:[-+](?=\s|$)|\d{1,9}(?=[.)](?:\s|$))|[-=]+$)")
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)")
_LINK_SAFE = "/:?&=#%+,;@!$'*-._~"  # a URL's own delimiters; ( ) < > | space and ` are encoded


def text(value: object) -> str:
    """`value` as one line of summary text: whitespace runs become one space, and `` `code` ``
    spans stay code (as `<code>`, which is inert in Markdown and HTML alike)."""
    line = " ".join(str(value).split())
    parts = _CODE_SPAN.split(line)  # [plain, ticks, code, plain, ticks, code, ..., plain]
    out: list[str] = []
    for i in range(0, len(parts), 3):
        out.append(_plain(parts[i]) if out else _leading(_plain(parts[i])))
        if i + 2 < len(parts):
            out.append(code(parts[i + 2].strip()))
    return "".join(out)


def _plain(part: str) -> str:
    return _SPECIAL.sub(_entity, part)


def _entity(found: re.Match[str]) -> str:
    mark = found.group(0)
    # cmark-gfm finds e-mail addresses after decoding `&#64;`; an (invisible) comment after the
    # `@` ends the text run it searches, so `me@example.com` stays text.
    return "&#64;<!-- -->" if mark == "@" else _ENTITIES.get(mark) or f"&#{ord(mark)};"


def _leading(line: str) -> str:
    """A line's start that would open a list or underline a heading, made literal."""
    found = _BLOCK_START.match(line)
    if found is None:
        return line
    if found.group(0)[0].isdigit():  # `1.` / `1)`: the delimiter after the number
        end = found.end()
        return line[:end] + f"&#{ord(line[end])};" + line[end + 1 :]
    return f"&#{ord(line[0])};" + line[1:]


def code(value: object) -> str:
    """`value` as inline code: `<code>` with the text escaped, which renders as code in Markdown
    text and inside a `<summary>` alike (a backtick span would show its backticks there)."""
    return f"<code>{_plain(' '.join(str(value).split()))}</code>"


def link(label: object, url: str | None) -> str:
    """A Markdown link to an http(s) `url`, with `label` escaped; just the label for any other
    scheme (or none), so a server-chosen address can never be `javascript:` or `data:`."""
    shown = text(label)
    if not url or urlsplit(url).scheme.lower() not in ("http", "https"):
        return shown
    return f"[{shown}]({quote(url, safe=_LINK_SAFE)})"


def fence(body: str, info: str = "") -> str:
    """A fenced code block holding `body` verbatim: its fence is longer than any run of
    backticks inside, so no line of `body` can close it."""
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}{info}\n{body}\n{ticks}"


def details(summary: str, body: str, *, opened: bool = False) -> str:
    """A folded block; `summary` is markup made with these functions, `body` Markdown blocks."""
    return (
        f"<details{' open' if opened else ''}><summary>{summary}</summary>\n\n{body}\n\n</details>"
    )


def table(header: list[str], rows: list[list[str]]) -> str:
    """A Markdown table; every cell is `text`, so no cell can split, end or restyle a row."""
    lines = ["| " + " | ".join(text(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(text(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"
