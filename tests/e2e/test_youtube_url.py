"""listing.youtube takes the link a vendor copies from the browser: Marketplace stores the video
id, so the listing the sandbox holds has the id whatever form release.yml wrote; a URL of another
site, or one without an id, is a located error before anything is sent."""

from __future__ import annotations

import pytest

from tests.support.publisher import Publisher, Release, listings

BUILD = 2004000
ID = "dQw4w9WgXcQ"


@pytest.mark.parametrize(
    "written",
    [
        f"https://www.youtube.com/watch?v={ID}",
        f"https://youtu.be/{ID}?t=42",
        f"https://www.youtube.com/watch?list=PL1&v={ID}",
        f"https://m.youtube.com/shorts/{ID}",
        f"https://www.youtube.com/embed/{ID}",
    ],
)
def test_a_youtube_url_is_published_as_its_video_id(
    publisher: Publisher, release: Release, written: str
) -> None:
    release.edit(f"youtube: {ID}", f'youtube: "{written}"')
    run = publisher()
    assert run.code == 0, run.text
    assert listings(publisher.sandbox.state())[BUILD]["youtubeId"] == ID


@pytest.mark.parametrize(
    "written",
    [
        f"https://vimeo.com/watch?v={ID}",
        "https://www.youtube.com/watch?v=short",
        f"http://youtu.be/{ID}",
    ],
)
def test_a_url_that_is_not_a_youtube_video_is_a_located_error(
    publisher: Publisher, release: Release, written: str
) -> None:
    release.edit(f"youtube: {ID}", f'youtube: "{written}"')
    line = release.line_of("youtube:")
    run = publisher()
    assert run.code == 3, run.text
    assert f"release.yml:{line}:" in run.text and "a YouTube video id or URL" in run.text
    assert publisher.writes() == []
