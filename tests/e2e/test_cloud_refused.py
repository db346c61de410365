"""`hosting: cloud` is refused before anything is sent (issue #15.2): the old run created the
Data Center version, failed on cloud and said "re-run to finish", which could never succeed."""

from __future__ import annotations

from tests.e2e.conftest import Publisher, versions


def test_cloud_hosting_is_a_located_error_and_nothing_is_sent(publisher: Publisher) -> None:
    publisher.release.edit("hosting: datacenter", "hosting: [datacenter, cloud]")
    run = publisher()
    assert run.code == 3, run.text
    line = publisher.release.line_of("hosting:")
    assert f"release.yml:{line}:" in run.text and "cloud is not supported" in run.text
    assert "re-run" not in run.text
    assert publisher.sandbox.journal() == [], "a request was sent"
    assert versions(publisher.sandbox.state()) == {}
