"""release.notes_format: Markdown is rendered to HTML, and all HTML is sanitised."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from publisher.publish.notes import notes_html
from tests.support.publisher import Publisher, Release, versions


class _Tags(HTMLParser):
    """The elements a browser would build from the HTML (escaped text is not one)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


def test_markdown_notes_become_html() -> None:
    html = notes_html("### Fixed\n- Weekly **totals** fixed\n", "markdown")
    assert html == "<h3>Fixed</h3>\n<ul>\n<li>Weekly <strong>totals</strong> fixed</li>\n</ul>"


@pytest.mark.parametrize("notes_format", ["markdown", "html"])
def test_scripts_handlers_and_javascript_links_never_reach_marketplace(notes_format: str) -> None:
    hostile = (
        '<script>alert(1)</script><p onclick="x()">hi</p>'
        '<a href="javascript:alert(1)">x</a><style>p{}</style>[y](javascript:alert(2))'
    )
    html = notes_html(hostile, notes_format)  # type: ignore[arg-type]
    tags = _Tags()
    tags.feed(html)
    assert not {"script", "style"} & {t for t, _ in tags.found}
    attributes = [(name, value) for _, attrs in tags.found for name, value in attrs]
    assert not [a for a in attributes if a[0].startswith("on")]
    assert not [a for a in attributes if "javascript" in (a[1] or "")]
    assert "hi" in html  # the text survives, harmless


def test_html_notes_are_sent_as_written_when_safe() -> None:
    html = '<p>New <a href="https://example.com/x">export</a></p>'
    assert notes_html(html, "html") == (
        '<p>New <a href="https://example.com/x" rel="noopener noreferrer">export</a></p>'
    )


def test_markdown_html_is_not_passed_through() -> None:
    assert notes_html("<b>raw</b> text", "markdown") == "<p>&lt;b&gt;raw&lt;/b&gt; text</p>"


def test_published_notes_are_html_and_the_plan_shows_them(publisher: Publisher) -> None:
    plan = publisher("plan")
    assert plan.code == 0, plan.text
    assert "release notes (rendered from Markdown, sanitised HTML):" in plan.out
    assert "  | <li>Export is three times faster.</li>" in plan.out
    assert publisher().code == 0
    notes = versions(publisher.sandbox.state())[2004000]["changelog"]["releaseNotes"]
    assert notes.startswith("<h3>Changed</h3>\n<ul>\n<li>Export is three times faster.</li>")


def test_an_unknown_notes_format_is_located(publisher: Publisher, release: Release) -> None:
    release.edit("  notes_file: CHANGELOG.md", "  notes_file: CHANGELOG.md\n  notes_format: rst")
    run = publisher("validate")
    assert run.code == 3, run.text
    assert f"release.yml:{release.line_of('notes_format')}:" in run.text


def test_html_format_sends_the_notes_as_written(publisher: Publisher, release: Release) -> None:
    (Path(release.root) / "CHANGELOG.md").write_text("## 2.4.0\n\n<p>Faster <em>export</em></p>\n")
    release.edit("  notes_file: CHANGELOG.md", "  notes_file: CHANGELOG.md\n  notes_format: html")
    assert publisher().code == 0
    notes = versions(publisher.sandbox.state())[2004000]["changelog"]["releaseNotes"]
    assert notes == "<p>Faster <em>export</em></p>"
