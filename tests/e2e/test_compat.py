"""`mpac-publisher compat check|bump`: host versions above the live max, and raising it."""

from __future__ import annotations

from pathlib import Path

import pytest

from publisher.sandbox import Fault
from tests.e2e.aftercare import JIRA, call, document, writes
from tests.support.publisher import Publisher, versions

NEWEST_JIRA = "10.7.0"  # the sandbox catalogue's newest Jira release


@pytest.fixture
def current(publisher: Publisher) -> Publisher:
    """Published with max = the newest Jira, so nothing is newer yet."""
    publisher.release.edit("max: 10.3.0", f"max: {NEWEST_JIRA}")
    assert publisher("publish").code == 0
    publisher.sandbox.clear_journal()
    return publisher


def config(publisher: Publisher) -> str:
    return str(publisher.release.path)


def test_compat_check_is_0_until_a_host_version_appears_then_11(
    current: Publisher, tmp_path: Path
) -> None:
    run = call(current, "compat", "check", config(current), "--json")
    assert run.code == 0, run.text
    assert document(run, "compat-check")["result"] == "current"
    current.sandbox.add_parent_version(JIRA, 1008000, "10.8.0", ["datacenter"])
    current.sandbox.add_parent_version(JIRA, 1008001, "10.8.1", ["server"])  # not this hosting
    outputs = tmp_path / "outputs"
    run = call(
        current,
        "compat",
        "check",
        config(current),
        "--json",
        GITHUB_ACTIONS="true",
        GITHUB_OUTPUT=str(outputs),
    )
    found = document(run, "compat-check")
    assert run.code == 11
    assert found["result"] == "behind"
    [product] = found["products"]
    assert (product["product"], product["max"]) == ("Jira", NEWEST_JIRA)
    assert product["newer"] == [{"build": 1008000, "version": "10.8.0"}]
    assert "newer<<" in outputs.read_text() and "Jira 10.8.0" in outputs.read_text()
    assert writes(current) == []


def test_compat_bump_dry_run_writes_nothing_and_shows_the_patch(current: Publisher) -> None:
    current.sandbox.add_parent_version(JIRA, 1008000, "10.8.0", ["datacenter"])
    before = current.release.path.read_text()
    run = call(current, "compat", "bump", config(current), "--dry-run", "--write-config", "--json")
    found = document(run, "compat-bump")
    assert run.code == 0, run.text
    assert found["result"] == "planned" and found["dry_run"]
    assert found["hostings"][0]["patch"] == [
        {"op": "replace", "path": "/compatibilities/0/maxBuildNumber", "value": 1008000}
    ]
    assert found["config_edits"][0]["after"].strip() == "max: 10.8.0"
    assert writes(current) == []
    assert current.release.path.read_text() == before


def test_compat_bump_sends_one_put_with_the_old_revision_and_the_new_max(
    current: Publisher,
) -> None:
    current.sandbox.add_parent_version(JIRA, 1008000, "10.8.0", ["datacenter"])
    live = versions(current.sandbox.state())[2004000]
    run = call(current, "compat", "bump", config(current), "--write-config", "--json")
    found = document(run, "compat-bump")
    assert run.code == 0, run.text
    [put] = writes(current)
    assert put["method"] == "PUT" and put["path"].endswith("/versions/2004000")
    assert put["body_summary"]["revision"] == live["revision"]
    assert put["body_summary"]["compatibilities"][0]["maxBuildNumber"] == 1008000
    assert put["body_summary"]["compatibilities"][0]["minBuildNumber"] == 912000
    after = versions(current.sandbox.state())[2004000]
    assert after["compatibilities"][0]["maxBuildNumber"] == 1008000
    assert found["result"] == "raised"
    text = current.release.path.read_text()
    assert "    max: 10.8.0\n" in text and "# A Data Center release" in text  # layout kept
    assert call(current, "compat", "check", config(current)).code == 0


def test_compat_bump_never_lowers_the_max(current: Publisher) -> None:
    run = call(current, "compat", "bump", config(current), "--to", "10.4.0", "--json")
    found = document(run, "compat-bump")
    assert run.code == 0 and found["result"] == "unchanged"
    assert writes(current) == []


def test_compat_bump_re_reads_once_on_a_revision_mismatch(current: Publisher) -> None:
    current.sandbox.add_parent_version(JIRA, 1008000, "10.8.0", ["datacenter"])
    current.sandbox.add_fault(
        Fault(
            method="PUT",
            path="/rest/3/app-software/*/versions/2004000",
            status=400,
            code="REVISION_MISMATCH",
            detail="Revision mismatch - a more recent version exists",
        )
    )
    run = call(current, "compat", "bump", config(current), "--to", "10.8.0")
    assert run.code == 0, run.text
    puts = [w for w in writes(current) if w["method"] == "PUT"]
    assert len(puts) == 2  # the refused one, then one after the re-read
    assert versions(current.sandbox.state())[2004000]["compatibilities"][0]["maxBuildNumber"] == (
        1008000
    )


def test_compat_of_an_unpublished_build_says_publish_first(publisher: Publisher) -> None:
    run = call(publisher, "compat", "check", config(publisher), "--json")
    found = document(run, "compat-check")
    assert run.code == 6 and "publish it first" in found["advice"]


def test_raised_never_lowers_a_max_and_keeps_state_and_revision() -> None:
    from publisher.commands.bump import raised

    live = {
        "buildNumber": 1,
        "versionNumber": "1.0",
        "state": "approved",
        "revision": 7,
        "compatibilities": [
            {"parentSoftwareId": "j", "minBuildNumber": 10, "maxBuildNumber": 20},
            {"parentSoftwareId": "c", "minBuildNumber": 10, "maxBuildNumber": 20},
        ],
    }
    assert raised({"j": 19}, live) is None
    assert raised({"j": 20}, live) is None
    body = raised({"j": 21, "c": 5}, live)
    assert body is not None
    pairs = [(c["parentSoftwareId"], c["maxBuildNumber"]) for c in body["compatibilities"]]
    assert pairs == [("c", 20), ("j", 21)]  # c's target was lower: kept
    assert (body["state"], body["revision"]) == ("approved", 7)


def test_write_config_of_a_max_from_the_environment_is_refused_before_any_write(
    current: Publisher,
) -> None:
    current.release.edit(f"max: {NEWEST_JIRA}", "max: ${JIRA_MAX}")
    current.sandbox.add_parent_version(JIRA, 1008000, "10.8.0", ["datacenter"])
    run = call(
        current, "compat", "bump", config(current), "--write-config", "--json", JIRA_MAX=NEWEST_JIRA
    )
    found = document(run, "compat-bump")
    assert run.code == 3 and "change the variable instead" in found["error"]
    assert writes(current) == []


def test_bump_to_a_version_needs_the_product_when_there_are_several(
    publisher: Publisher,
) -> None:
    publisher.release.edit(
        "    max: 10.3.0\n",
        "    max: 10.3.0\n  - product: confluence\n    min: 8.5.0\n    max: 9.0.1\n",
    )
    assert publisher("publish").code == 0
    run = call(publisher, "compat", "bump", config(publisher), "--to", "10.4.0")
    assert run.code == 2 and "--to jira=10.4.0" in run.text
    run = call(publisher, "compat", "bump", config(publisher), "--to", "jira=10.4.0", "--json")
    found = document(run, "compat-bump")
    assert run.code == 0, run.text
    assert [(t["product"], t["to"]) for t in found["targets"]] == [("Jira", "10.4.0")]
