"""Listing text with CRLF (a `"\\r\\n"` escape in release.yml, or a `${VAR}` set on Windows) is
sent with LF line endings and compared as such, so a server that stores LF (as the sandbox does)
sees no difference on the next run and gets no PUT."""

from __future__ import annotations

from tests.support.publisher import Publisher, Release, listings, versions


def _crlf_listing(release: Release) -> None:
    release.edit(
        "  more_details: |\n"
        "    Timesheets adds time tracking with approvals and reports to Jira Data Center.\n",
        '  more_details: "Timesheets adds time tracking.\\r\\nWith approvals.\\rAnd reports."\n',
    )
    release.edit("summary: One click", 'summary: "${HIGHLIGHT}"')
    release.edit("summary: Faster timesheet export", 'summary: "Faster\\r\\nexport"')


def test_crlf_listing_text_published_twice_makes_no_write_on_the_re_run(
    publisher: Publisher, release: Release
) -> None:
    _crlf_listing(release)
    first = publisher(HIGHLIGHT="One\r\nclick")
    assert first.code == 0, first.text
    listing = listings(publisher.sandbox.state())[2004000]
    assert listing["moreDetails"] == "Timesheets adds time tracking.\nWith approvals.\nAnd reports."
    assert listing["highlights"][0]["summary"] == "One\nclick"
    assert versions(publisher.sandbox.state())[2004000]["changelog"]["releaseSummary"] == (
        "Faster\nexport"
    )
    publisher.sandbox.clear_journal()
    again = publisher(HIGHLIGHT="One\r\nclick")
    assert again.code == 0, again.text
    assert publisher.writes() == []
    assert "unchanged" in again.text
