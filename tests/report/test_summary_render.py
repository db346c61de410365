"""The job summary of every outcome, rendered by a real browser (headless Chromium) in GitHub's
Markdown stylesheet: the screenshot is not blank and the page shows the outcome heading."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from tests.report.conftest import render_summary

BINARY = render_summary.chromium()


@pytest.fixture(scope="module")
def css() -> Path:
    if BINARY is None:
        pytest.skip("chromium is not installed (apt-get install chromium; scripts/test does it)")
    found = render_summary.github_css()
    if found is None:
        pytest.skip("github-markdown-css could not be installed with npm into the render cache")
    return Path(found)


@pytest.mark.slow
@pytest.mark.parametrize("outcome", render_summary.OUTCOMES)
def test_each_outcome_renders_in_chromium(
    outcome: str, summaries: dict[str, str], css: Path, tmp_path: Path
) -> None:
    markdown = summaries[outcome]
    page = tmp_path / f"{outcome}.html"
    page.write_text(render_summary.page(markdown, css, outcome), encoding="utf-8")
    png = tmp_path / f"{outcome}.png"
    dom = render_summary.screenshot(BINARY, page, png)
    assert png.exists() and png.stat().st_size > 5_000
    assert render_summary.distinct_bytes(png) > 20, "the screenshot is blank"
    heading = markdown.splitlines()[0].removeprefix("## ")
    assert f"<h2>{html.escape(heading, quote=False)}</h2>" in dom
    assert 'class="markdown-body"' in dom
