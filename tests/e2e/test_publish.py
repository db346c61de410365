"""User stories against the sandbox Marketplace, asserting its final state and request journal."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from publisher.sandbox import Fault
from tests.support.publisher import Publisher, Release, app_software_id, listings, versions

BUILD = 2004000


def test_a_fresh_publish_creates_the_version_and_its_listing(publisher: Publisher) -> None:
    run = publisher()
    assert run.code == 0, run.text
    state = publisher.sandbox.state()
    version = versions(state)[BUILD]
    assert version["versionNumber"] == "2.4.0"
    assert "Export is three times faster" in version["changelog"]["releaseNotes"]
    listing = listings(state)[BUILD]
    assert listing["state"] == "PUBLIC" and len(listing["highlights"]) == 3
    assert listing["highlights"][0]["thumbnail"] in state["images"]
    writes = publisher.writes()
    assert writes.count(("POST", "/rest/3/artifacts")) == 1
    assert sum(1 for m, p in writes if p.startswith("/rest/3/assets/images/")) == 6
    assert not [w for w in writes if w[0] == "PUT"]
    assert "published" in run.out


def test_two_hostings_get_one_version_each_from_one_upload(
    publisher: Publisher, release: Release
) -> None:
    release.edit("hosting: datacenter", "hosting: [datacenter, server]")
    run = publisher()
    assert run.code == 0, run.text
    state = publisher.sandbox.state()
    assert BUILD in versions(state, "datacenter") and BUILD in versions(state, "server")
    assert publisher.writes().count(("POST", "/rest/3/artifacts")) == 1
    ids = {
        versions(state, h)[BUILD]["frameworkDetails"]["attributes"]["artifactId"]
        for h in ("datacenter", "server")
    }
    assert len(ids) == 1


def test_a_re_run_of_a_published_release_writes_nothing(publisher: Publisher) -> None:
    assert publisher().code == 0
    publisher.sandbox.clear_journal()
    run = publisher()
    assert run.code == 0, run.text
    assert publisher.writes() == []
    assert "already published, nothing to do" in run.out


def test_changed_release_notes_are_one_put_shown_as_a_json_patch(
    publisher: Publisher, release: Release
) -> None:
    assert publisher().code == 0
    changelog = release.root / "CHANGELOG.md"
    changelog.write_text(changelog.read_text().replace("three times faster", "four times faster"))
    publisher.sandbox.clear_journal()
    plan = publisher("plan")
    assert plan.code == 0, plan.text
    assert '"path": "/changelog/releaseNotes"' in plan.out and '"op": "replace"' in plan.out
    assert publisher.writes() == []  # a dry run never writes
    run = publisher()
    assert run.code == 0, run.text
    assert publisher.writes() == [
        (
            "PUT",
            f"/rest/3/app-software/{app_software_id(publisher.sandbox.state())}/versions/{BUILD}",
        )
    ]
    version = versions(publisher.sandbox.state())[BUILD]
    assert "four times faster" in version["changelog"]["releaseNotes"]
    assert version["revision"] == 2


def test_a_dry_run_with_credentials_reads_but_never_writes(publisher: Publisher) -> None:
    run = publisher("publish", "--dry-run")
    assert run.code == 0, run.text
    assert publisher.writes() == []
    assert "create" in run.out and "planned" in run.out


def test_json_report(publisher: Publisher) -> None:
    run = publisher("publish", "--json")
    assert run.code == 0, run.text
    document = json.loads(run.out)
    assert document["result"] == "created" and document["exit_code"] == 0
    assert document["outputs"]["artifact-id"] and document["outputs"]["build-number"] == str(BUILD)


@pytest.fixture
def file_server(tmp_path: Path) -> Iterator[str]:
    handler = partial(SimpleHTTPRequestHandler, directory=str(tmp_path / "repo" / "target"))
    handler.log_message = lambda *a, **k: None  # type: ignore[attr-defined]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_an_artifact_url_is_fetched_by_marketplace(
    publisher: Publisher, release: Release, file_server: str
) -> None:
    release.edit(
        "artifact: target/timesheets-2.4.0.jar", f"artifact: {file_server}/timesheets-2.4.0.jar"
    )
    run = publisher()
    assert run.code == 0, run.text
    writes = publisher.writes()
    assert ("POST", "/rest/3/artifacts/fetch") in writes and (
        "POST",
        "/rest/3/artifacts",
    ) not in writes
    publisher.sandbox.clear_journal()
    assert publisher().code == 0
    assert publisher.writes() == []  # the live version already has the artifact from that URL


def test_a_listing_failure_after_the_version_is_partial_and_a_re_run_finishes(
    publisher: Publisher,
) -> None:
    publisher.sandbox.add_fault(
        Fault(
            method="POST",
            path="/rest/3/app-software/*/versions/*/listing",
            action="status",
            status=400,
            times=1,
        )
    )
    run = publisher()
    assert run.code == 7, run.text
    assert "re-run" in run.text
    state = publisher.sandbox.state()
    assert BUILD in versions(state) and BUILD not in listings(state)
    publisher.sandbox.clear_journal()
    again = publisher()
    assert again.code == 0, again.text
    writes = publisher.writes()
    assert [w for w in writes if w[1].endswith("/listing")] == [
        (
            "POST",
            f"/rest/3/app-software/{app_software_id(publisher.sandbox.state())}/versions/{BUILD}/listing",
        )
    ]
    assert ("POST", "/rest/3/artifacts") not in writes and not [
        w for w in writes if w[1].startswith("/rest/3/assets")
    ]


def test_a_lost_create_response_is_re_read_not_repeated(publisher: Publisher) -> None:
    publisher.sandbox.add_fault(
        Fault(
            method="POST", path="/rest/3/app-software/*/versions", action="drop_response", times=1
        )
    )
    run = publisher()
    assert run.code == 0, run.text
    posts = [
        w
        for w in publisher.writes()
        if w
        == ("POST", f"/rest/3/app-software/{app_software_id(publisher.sandbox.state())}/versions")
    ]
    assert len(posts) == 1
    assert len(versions(publisher.sandbox.state())) == 1


def test_transient_errors_are_retried(publisher: Publisher) -> None:
    publisher.sandbox.add_fault(
        Fault(method="POST", path="/rest/3/artifacts", action="status", status=503, times=2)
    )
    run = publisher()
    assert run.code == 0, run.text
    assert "HTTP 503" in run.text and "retry" in run.text


def test_a_retried_429_shows_the_servers_reason(publisher: Publisher) -> None:
    reason = "Too many uploads: wait 10 seconds between artifact uploads"
    publisher.sandbox.add_fault(
        Fault(method="POST", path="/rest/3/artifacts", status=429, retry_after=1, detail=reason)
    )
    run = publisher()
    assert run.code == 0, run.text
    assert f"upload artifact: HTTP 429 TOO_MANY_REQUESTS: {reason}; retry 1 in" in run.text


def test_marketplace_down_is_exit_8(publisher: Publisher) -> None:
    publisher.sandbox.add_fault(
        Fault(method="GET", path="/rest/3/parent-software", action="status", status=503, times=100)
    )
    run = publisher()
    assert run.code == 8, run.text
    assert publisher.writes() == []


def test_wrong_token_is_exit_4_with_advice(publisher: Publisher) -> None:
    run = publisher(MPAC_TOKEN="not-the-token")
    assert run.code == 4, run.text
    assert "API token" in run.text and "not-the-token" not in run.text


def test_an_unknown_product_version_points_at_its_line(
    publisher: Publisher, release: Release
) -> None:
    release.edit("max: 10.3.0", "max: 99.0.0")
    run = publisher()
    assert run.code == 3, run.text
    assert f"release.yml:{release.line_of('max: 99.0.0')}:" in run.text
    assert publisher.writes() == []


def test_an_artifact_for_another_version_is_refused_at_the_version_line(
    publisher: Publisher, release: Release
) -> None:
    release.edit('version: "2.4.0"', 'version: "2.4.1"')
    (release.root / "CHANGELOG.md").write_text("## 2.4.1\n- fix\n")
    run = publisher()
    assert run.code in (3, 6), run.text
    assert "2.4.1" in run.text


def test_an_app_of_another_vendor_is_exit_4(publisher: Publisher, release: Release) -> None:
    from benchmarks.publish_memory import make_jar

    release.edit("app: com.example.timesheets", "app: com.example.rival.reports")
    make_jar(release.root / "target" / "timesheets-2.4.0.jar", 0, key="com.example.rival.reports")
    run = publisher()
    assert run.code == 4, run.text
    assert "own" in run.text and "API token" in run.text
    assert publisher.writes() == []


def test_a_long_rate_limit_ends_with_exit_5_and_says_when(publisher: Publisher) -> None:
    publisher.sandbox.add_fault(
        Fault(
            method="POST",
            path="/rest/3/artifacts",
            action="status",
            status=429,
            retry_after=3600,
            times=None,
        )
    )
    run = publisher()
    assert run.code == 5, run.text
    assert "re-run" in run.text
    assert not [w for w in publisher.writes() if w[1].startswith("/rest/3/app-software")]


def test_an_unknown_app_key_is_rejected_at_the_app_line(
    publisher: Publisher, release: Release
) -> None:
    from benchmarks.publish_memory import make_jar

    release.edit("app: com.example.timesheets", "app: com.example.unknown")
    make_jar(release.root / "target" / "timesheets-2.4.0.jar", 0, key="com.example.unknown")
    run = publisher()
    assert run.code == 6, run.text
    assert f"release.yml:{release.line_of('app: com.example.unknown')}:" in run.text
    assert publisher.writes() == []
