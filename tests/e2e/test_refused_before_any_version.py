"""Releases refused before any version exists (issue #15): `hosting: cloud` before anything is
sent (the old run created the DC version, failed on cloud and asked for a re-run that could never
succeed), and an artifact Marketplace reports as not Data Center compatible."""

from __future__ import annotations

from tests.support.artifacts import zip_of
from tests.support.publisher import Publisher, versions

NOT_DC = b"""<atlassian-plugin key="com.example.timesheets" name="T" plugins-version="2">
    <plugin-info><version>2.4.0</version></plugin-info>
</atlassian-plugin>
"""


def test_cloud_hosting_is_a_located_error_and_nothing_is_sent(publisher: Publisher) -> None:
    publisher.release.edit("hosting: datacenter", "hosting: [datacenter, cloud]")
    run = publisher()
    assert run.code == 3, run.text
    line = publisher.release.line_of("hosting:")
    assert f"release.yml:{line}:" in run.text and "cloud is not supported" in run.text
    assert "re-run" not in run.text
    assert publisher.sandbox.journal() == [], "a request was sent"
    assert versions(publisher.sandbox.state()) == {}


def test_artifact_marketplace_reports_not_dc_compatible_is_refused_before_the_version(
    publisher: Publisher,
) -> None:
    jar = publisher.release.root / "target" / "timesheets-2.4.0.jar"
    jar.write_bytes(zip_of([("atlassian-plugin.xml", NOT_DC)]))
    checked = publisher("validate")
    assert checked.code == 0, checked.text
    assert "warning: artifact: the artifact's plugin-info declares neither" in checked.text
    run = publisher()
    assert run.code == 6, run.text
    line = publisher.release.line_of("hosting:")
    assert f"release.yml:{line}:" in run.text and "not Data Center compatible" in run.text
    assert versions(publisher.sandbox.state()) == {}, "a version was created"
    posts = [e["path"] for e in publisher.sandbox.journal() if e["method"] == "POST"]
    assert "/rest/3/artifacts" in posts and not any(p.endswith("/versions") for p in posts)
