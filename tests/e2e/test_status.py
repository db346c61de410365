"""`mpac-publisher status`: what is live per hosting, and whether it matches release.yml."""

from __future__ import annotations

from pathlib import Path

from publisher.sandbox import Sandbox, SandboxSettings
from tests.e2e.aftercare import call, document, writes
from tests.support.artifacts import jar_bytes
from tests.support.publisher import Publisher, Release


def test_status_of_a_published_release_matches(publisher: Publisher) -> None:
    assert publisher("publish").code == 0
    publisher.sandbox.clear_journal()
    run = call(publisher, "status", str(publisher.release.path), "--json")
    found = document(run, "status")
    assert run.code == 0, run.text
    assert found["result"] == "matches" and found["outputs"]["matches"] == "true"
    [hosting] = found["hostings"]
    compared = hosting["release"]
    assert compared["matches"] and compared["artifact"] == "same"
    assert compared["version"] == {"action": "unchanged", "patch": []}
    assert compared["listing"] == {"action": "unchanged", "patch": []}
    [version] = hosting["versions"]
    assert (version["version"], version["listing_state"]) == ("2.4.0", "PUBLIC")
    assert version["compatibility"][0]["product"] == "Jira"
    assert (version["compatibility"][0]["min"], version["compatibility"][0]["max"]) == (
        "9.12.0",
        "10.3.0",
    )
    assert writes(publisher) == []


def test_status_after_a_change_differs_and_shows_the_diff(publisher: Publisher) -> None:
    assert publisher("publish").code == 0
    publisher.release.edit("summary: Faster timesheet export", "summary: Even faster export")
    publisher.release.edit("max: 10.3.0", "max: 10.4.0")
    run = call(publisher, "status", str(publisher.release.path), "--json")
    found = document(run, "status")
    compared = found["hostings"][0]["release"]
    assert found["result"] == "differs" and not compared["matches"]
    patch = {op["path"]: op["value"] for op in compared["version"]["patch"]}
    assert patch["/changelog/releaseSummary"] == "Even faster export"
    assert patch["/compatibilities/0/maxBuildNumber"] == 1004000
    text = call(publisher, "status", str(publisher.release.path)).text
    assert "differs from release.yml" in text and '"value": "Even faster export"' in text


def test_status_of_another_artifact_says_the_artifact_differs(publisher: Publisher) -> None:
    assert publisher("publish").code == 0
    jar = publisher.release.root / "target" / "timesheets-2.4.0.jar"
    jar.write_bytes(jar_bytes("com.example.timesheets", "2.4.0", filler=1000))  # rebuilt
    found = document(call(publisher, "status", str(publisher.release.path), "--json"), "status")
    compared = found["hostings"][0]["release"]
    assert compared["artifact"] == "differs" and not compared["matches"]


def test_status_by_app_key_takes_the_highest_builds_and_skips_archived(tmp_path: Path) -> None:
    seed = {
        "accounts": [
            {
                "email": "v@example.com",
                "token": "v-token",
                "apps": [
                    {
                        "key": "com.example.timesheets",
                        "hosting": ["datacenter", "server"],
                        "archived": ["server"],
                    }
                ],
            }
        ]
    }
    with Sandbox(settings=SandboxSettings(upload_spacing=0.2), seed=seed) as sandbox:
        publisher = Publisher(sandbox, Release(tmp_path / "repo"), tmp_path / "state")
        assert publisher("publish").code == 0
        publisher.release.edit("build: 2004000", "build: 2005000")
        publisher.release.edit('version: "2.4.0"', 'version: "2.5.0"')
        publisher.release.edit("state: public", "state: private")
        (publisher.release.root / "CHANGELOG.md").write_text("## 2.5.0\n- More\n")
        jar = publisher.release.root / "target" / "timesheets-2.4.0.jar"
        jar.write_bytes(jar_bytes("com.example.timesheets", "2.5.0"))
        run = publisher("publish")
        assert run.code == 0, run.text
        found = document(call(publisher, "status", "com.example.timesheets", "--json"), "status")
    by_hosting = {h["hosting"]: h for h in found["hostings"]}
    assert by_hosting["server"]["archived"] and by_hosting["server"]["versions"] == []
    versions = by_hosting["datacenter"]["versions"]
    assert [v["build"] for v in versions] == [2005000, 2004000]
    assert versions[0]["listing_state"] == "PRIVATE"
    assert versions[0]["approval_status"] == "UNINITIATED"
    assert "auto-approved" in versions[0]["approval"]
    assert found["build"] is None and "release" not in by_hosting["datacenter"]


def test_status_by_app_key_counts_one_hosting_in_the_singular(tmp_path: Path) -> None:
    app = {"key": "com.example.timesheets", "hosting": ["datacenter"]}
    seed = {"accounts": [{"email": "v@example.com", "token": "v-token", "apps": [app]}]}
    with Sandbox(settings=SandboxSettings(upload_spacing=0.2), seed=seed) as sandbox:
        publisher = Publisher(sandbox, Release(tmp_path / "repo"), tmp_path / "state")
        run = call(publisher, "status", "com.example.timesheets")
    assert run.code == 0, run.text
    assert "com.example.timesheets: 1 hosting\n" in run.text, run.text
