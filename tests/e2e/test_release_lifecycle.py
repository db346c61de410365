"""A release's life in CI: re-runs of old tags, yanks, forgotten build bumps and half-done
publishes, against the sandbox Marketplace (issue #21: 4, 5, 6)."""

from __future__ import annotations

import json
from pathlib import Path

from publisher.sandbox import Fault
from tests.e2e.aftercare import call
from tests.support.artifacts import jar_bytes
from tests.support.publisher import Publisher, Release, github_env, listings, versions

BUILD = 2004000
JAR = Path("target") / "timesheets-2.4.0.jar"


def _tag(release: Release) -> dict[Path, bytes]:
    """The files of the checked-out tag, to check it out again later."""
    return {
        p: (release.root / p).read_bytes() for p in (Path("release.yml"), Path("CHANGELOG.md"), JAR)
    }


def _check_out(release: Release, files: dict[Path, bytes]) -> None:
    for path, data in files.items():
        (release.root / path).write_bytes(data)


def _bump_to(release: Release, version: str, build: int | None) -> None:
    """release.yml, changelog and jar of `version`; `build` None: the build is left as it is."""
    if build is not None:
        release.edit(f"build: {BUILD}", f"build: {build}")
    release.edit('version: "2.4.0"', f'version: "{version}"')
    (release.root / "CHANGELOG.md").write_text(f"## {version}\n- Better\n")
    (release.root / JAR).write_bytes(jar_bytes("com.example.timesheets", version))


def test_a_re_run_of_a_yanked_tag_leaves_its_listing_private(publisher: Publisher) -> None:
    release = publisher.release
    assert publisher().code == 0
    old_tag = _tag(release)
    _bump_to(release, "2.5.0", 2005000)
    assert publisher().code == 0
    yanked = call(publisher, "yank", str(release.path), "--build", str(BUILD), "--execute")
    assert yanked.code == 0, yanked.text
    _check_out(release, old_tag)
    publisher.sandbox.clear_journal()

    run = publisher("publish", "--json")

    assert run.code == 0, run.text
    assert listings(publisher.sandbox.state())[BUILD]["state"] == "PRIVATE"
    assert publisher.writes() == []
    found = json.loads(run.out)
    assert found["result"] == "unchanged"
    [note] = [n for n in found["notes"] if "listing" in n and "PRIVATE" in n]
    assert "release.yml says public" in note and "--listing-state release" in note


def test_listing_state_release_makes_a_yanked_listing_public_on_purpose(
    publisher: Publisher,
) -> None:
    release = publisher.release
    assert publisher().code == 0
    old_tag = _tag(release)
    _bump_to(release, "2.5.0", 2005000)
    assert publisher().code == 0
    assert call(publisher, "yank", str(release.path), "--build", str(BUILD), "--execute").code == 0
    _check_out(release, old_tag)
    publisher.sandbox.clear_journal()

    run = publisher("publish", "--listing-state", "release")

    assert run.code == 0, run.text
    assert listings(publisher.sandbox.state())[BUILD]["state"] == "PUBLIC"
    [(method, path)] = publisher.writes()
    assert method == "PUT" and path.endswith(f"/versions/{BUILD}/listing")


def test_a_new_listing_takes_its_state_from_release_yml(publisher: Publisher) -> None:
    publisher.release.edit("state: public", "state: private")
    assert publisher().code == 0
    assert listings(publisher.sandbox.state())[BUILD]["state"] == "PRIVATE"


def test_a_version_bump_without_a_build_bump_is_refused_at_build_before_any_write(
    publisher: Publisher,
) -> None:
    release = publisher.release
    assert publisher().code == 0
    _bump_to(release, "2.4.1", None)  # the build bump forgotten
    publisher.sandbox.clear_journal()

    run = publisher("publish", "--json")

    assert run.code == 6, run.text
    assert publisher.writes() == []
    found = json.loads(run.out)
    said = f"build {BUILD} is already 2.4.0 on Marketplace: a new version needs a new build"
    [located] = [d for d in found["diagnostics"] if d["key"] == "build"]
    assert located["message"] == said
    assert located["location"]["line"] == release.line_of(f"build: {BUILD}")
    assert said in found["error"]
    assert "2.4.1" not in found["error"].split(";")[0]  # the live version by its own number
    assert versions(publisher.sandbox.state())[BUILD]["versionNumber"] == "2.4.0"


def test_a_partial_publish_caused_by_a_release_yml_line_says_fix_that_line_first(
    publisher: Publisher, tmp_path: Path
) -> None:
    release = publisher.release
    line = release.line_of("youtube:")
    publisher.sandbox.add_fault(
        Fault(
            method="POST",
            path="/rest/3/app-software/*/versions/*/listing",
            status=400,
            code="VALIDATION_ERROR",
            detail="Invalid value for youtubeId. Not a YouTube video id",
        )
    )

    run = publisher("publish", "--json", **github_env(release, tmp_path))

    assert run.code == 7, run.text
    found = json.loads(run.out)
    assert found["result"] == "partial"
    advice = f"fix line {line} of release.yml (listing.youtube), then re-run; what was done is kept"
    assert found["advice"] == advice
    summary = (tmp_path / "summary.md").read_text()
    assert advice in summary
    for said in (run.text, summary):
        assert "re-run the same command" not in said
    assert BUILD in versions(publisher.sandbox.state())


def test_a_version_renumbered_by_another_run_meanwhile_is_refused_in_its_own_number(
    publisher: Publisher,
) -> None:
    """The plan saw no version (another run had not created it yet); the create then meets the
    live 2.4.0 under our build. It is refused, not renamed, and named by its own number."""
    release = publisher.release
    assert publisher().code == 0
    _bump_to(release, "2.4.1", None)
    publisher.sandbox.clear_journal()
    publisher.sandbox.add_fault(
        Fault(method="GET", path=f"/rest/3/app-software/*/versions/{BUILD}", status=404, times=1)
    )

    run = publisher("publish", "--json")

    found = json.loads(run.out)
    assert run.code == 6, run.text
    said = f"build {BUILD} is already 2.4.0 on Marketplace: a new version needs a new build"
    assert found["error"].startswith(f"datacenter: {said}")  # no "2.4.1 created" before it
    [located] = [d for d in found["diagnostics"] if d["key"] == "build"]
    assert located["location"]["line"] == release.line_of(f"build: {BUILD}")
    assert "nothing was sent" not in found["advice"]  # the artifact was uploaded
    assert versions(publisher.sandbox.state())[BUILD]["versionNumber"] == "2.4.0"
    assert [w for w in publisher.writes() if "/versions" in w[1]] == [
        ("POST", _versions(publisher))
    ]


def _versions(publisher: Publisher) -> str:
    """The path of the app software's versions (a create is a POST to it)."""
    for app_id, app in publisher.sandbox.state()["apps"].items():
        if app["appKey"] == "com.example.timesheets" and app["hosting"] == "datacenter":
            return f"/rest/3/app-software/{app_id}/versions"
    raise AssertionError("no datacenter app software")
