"""Release notes -> the HTML Marketplace shows. v2 documented `releaseNotes` as HTML and v3 says
nothing, so Markdown (the default `release.notes_format`) is rendered, and every form is
sanitised: no script, style, event handler or javascript: link reaches the listing."""

from __future__ import annotations

from typing import Literal

import nh3
from markdown_it import MarkdownIt

from publisher.config.model import Changelog

NotesFormat = Literal["markdown", "html"]

# What a changelog needs, and nothing that runs or restyles the page.
_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "strong", "em", "b",
    "i", "code", "pre", "blockquote", "a", "table", "thead", "tbody", "tr", "th", "td", "del",
}  # fmt: skip
_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}, "ol": {"start"}}
_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table").enable("strikethrough")


def release_notes(changelog: Changelog) -> str | None:
    """changelog.releaseNotes for a run. The planner calls it once and the plan carries the value:
    rendering is the slowest step of a plan with a big section (about 1 s per MB)."""
    if changelog.notes is None:
        return None
    return notes_html(changelog.notes, changelog.notes_format)


def notes_html(text: str, notes_format: NotesFormat) -> str:
    """The HTML sent as changelog.releaseNotes."""
    html = _MARKDOWN.render(text) if notes_format == "markdown" else text
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    ).strip()
