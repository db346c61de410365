"""Text chosen by the server (error details, app names) reaches the job summary as text: no image
from any host, no link, no raw HTML or `<details>`, no split table cell, no line break; parsed
with the Markdown renderer the suite's Chromium check uses (CommonMark + tables, HTML allowed)."""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from publisher.sandbox import Fault, Sandbox, SandboxSettings
from tests.e2e.aftercare import call
from tests.support.publisher import Publisher, Release, github_env

HOSTILE = (
    "![pixel](https://evil.example/p.png) [log in](https://evil.example/login) "
    "<img src=https://evil.example/i.png> <details open><summary>click me</summary> "
    "</summary></details> `<b>inert</b>` | a | b |\n## heading\n- item "
    "https://evil.example/auto www.evil.example @octocat $x^2$ "
    '<a href="https://evil.example">a</a> *bold* _it_ ~~del~~ &amp; \\*'
)
SHOWN = " ".join(HOSTILE.replace("`", "").split())  # as text: one line, the code span as code
OUR_DETAILS = ("The error in full", "JSON Patch")


class _Page(HTMLParser):
    """Every element and attribute of the rendered summary, and its text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.summaries: list[str] = []
        self.text: list[str] = []
        self._in_summary = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_summary = self._in_summary or tag == "summary"
        if tag == "summary":
            self.summaries.append("")

    def handle_endtag(self, tag: str) -> None:
        self._in_summary = self._in_summary and tag != "summary"

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._in_summary:
            self.summaries[-1] += data


def rendered(markdown: str) -> _Page:
    parser = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    page = _Page()
    page.feed(parser.render(markdown))
    return page


def assert_only_text(markdown: str, sandbox_url: str) -> _Page:
    page = rendered(markdown)
    names = {tag for tag, _ in page.tags}
    assert not names & {"img", "b", "del", "em", "h1", "script"}, names
    for tag, attrs in page.tags:
        assert tag != "a" or str(attrs.get("href")).startswith(sandbox_url), attrs
    assert all(s.startswith(OUR_DETAILS) or OUR_DETAILS[1] in s for s in page.summaries)
    assert [t for t, _ in page.tags].count("h2") == 1  # "## heading" stayed text
    assert SHOWN in " ".join("".join(page.text).split())
    # GitHub links bare addresses and @names itself: none of them may be there raw
    assert "://evil" not in markdown and "www.evil" not in markdown and "@octocat" not in markdown
    return page


@pytest.mark.parametrize(
    "detail", [HOSTILE, f"Invalid value for changelog.releaseNotes. {HOSTILE}"]
)
def test_a_hostile_error_detail_in_a_publish_summary_renders_as_text(
    publisher: Publisher, release: Release, tmp_path: Path, detail: str
) -> None:
    versions = "/rest/3/app-software/*/versions"
    publisher.sandbox.add_fault(Fault("POST", versions, status=400, code="X", detail=detail))
    run = publisher(**github_env(release, tmp_path))
    assert run.code == 6, run.text
    summary = (tmp_path / "summary.md").read_text()
    assert_only_text(summary, publisher.sandbox.url)
    # the `|` of the detail split no cell: each row of every table has as many cells as its head
    for table in summary.split("\n\n"):
        lines = [line for line in table.splitlines() if line.startswith("|")]
        if lines:
            widths = {len(rendered(f"{lines[0]}\n{lines[1]}\n{row}").tags) for row in lines[2:]}
            assert len(widths) <= 1, table


SEED = {
    "accounts": [
        {
            "email": "vendor@example.com",
            "token": "vendor-token",
            "apps": [{"key": "com.example.hostile", "name": HOSTILE, "hosting": ["datacenter"]}],
        }
    ]
}


@pytest.fixture
def vendor(tmp_path: Path) -> Iterator[Publisher]:
    with Sandbox(settings=SandboxSettings(), seed=SEED) as sandbox:
        yield Publisher(sandbox, Release(tmp_path / "repo"), tmp_path / "state")


def test_a_hostile_app_name_in_the_apps_summary_stays_in_its_table_cell(
    vendor: Publisher, tmp_path: Path
) -> None:
    developer_id, _ = vendor.sandbox.developer_ids()
    env = {**github_env(vendor.release, tmp_path), "MPAC_DEVELOPER_ID": developer_id}
    run = call(vendor, "apps", **env)
    assert run.code == 0, run.text
    summary = (tmp_path / "summary.md").read_text()
    page = assert_only_text(summary, vendor.sandbox.url)
    assert [t for t, _ in page.tags].count("tr") == 2
    assert [t for t, _ in page.tags].count("td") == 4  # key, name, state, approval


def test_a_hostile_error_detail_in_a_command_summary_renders_as_text(
    vendor: Publisher, tmp_path: Path
) -> None:
    path = "/rest/3/product-listing/*"
    vendor.sandbox.add_fault(Fault("GET", path, status=400, code="X", detail=HOSTILE, times=None))
    developer_id, _ = vendor.sandbox.developer_ids()
    env = {**github_env(vendor.release, tmp_path), "MPAC_DEVELOPER_ID": developer_id}
    run = call(vendor, "apps", **env)
    assert run.code != 0
    summary = (tmp_path / "summary.md").read_text()
    assert_only_text(summary, vendor.sandbox.url)
