"""Plan decisions a re-run in CI depends on: listing images without the state directory
(`--images keep|upload`) and a second version with the same number (`--allow-duplicate-version`).
Every run here gets a fresh, empty state directory, as a CI job does."""

from __future__ import annotations

import copy
import itertools
from pathlib import Path

import pytest

from tests.support.publisher import Publisher, Release, Run, listings, versions

BUILD = 2004000
_fresh = itertools.count()


def _ci(publisher: Publisher, tmp_path: Path, *args: str) -> Run:
    """A run with a brand-new state directory (CI throws the old one away)."""
    return publisher(*args, MPAC_STATE_DIR=str(tmp_path / f"ci-state-{next(_fresh)}"))


def _image_uploads(publisher: Publisher) -> int:
    return sum(1 for _, path in publisher.writes() if path.startswith("/rest/3/assets/images/"))


def test_an_unchanged_re_run_without_state_writes_nothing(
    publisher: Publisher, tmp_path: Path
) -> None:
    assert _ci(publisher, tmp_path).code == 0
    publisher.sandbox.clear_journal()
    plan = _ci(publisher, tmp_path, "plan")
    assert plan.code == 0, plan.text
    assert "cannot be proven equal to the live images" in plan.out
    assert "keeping the live images (--images keep)" in plan.out
    assert "listing: unchanged" in plan.out and "JSON Patch" not in plan.out
    run = _ci(publisher, tmp_path)
    assert run.code == 0, run.text
    assert publisher.writes() == []
    assert "already published, nothing to do" in run.out


def test_images_upload_uploads_again_and_says_why(publisher: Publisher, tmp_path: Path) -> None:
    assert _ci(publisher, tmp_path).code == 0
    before = listings(publisher.sandbox.state())[BUILD]
    publisher.sandbox.clear_journal()
    run = _ci(publisher, tmp_path, "publish", "--images", "upload")
    assert run.code == 0, run.text
    assert "uploading them again (--images upload)" in run.out
    assert "listing: update, 6 operations (JSON Patch, live -> release.yml; all of them only " in (
        run.out
    )
    assert _image_uploads(publisher) == 6
    after = listings(publisher.sandbox.state())[BUILD]
    assert after["heroImage"] != before["heroImage"]
    assert [m for m, p in publisher.writes() if p.endswith("/listing")] == ["PUT"]


def test_a_changed_caption_without_state_keeps_the_live_images(
    publisher: Publisher, release: Release, tmp_path: Path
) -> None:
    assert _ci(publisher, tmp_path).code == 0
    before = listings(publisher.sandbox.state())[BUILD]
    release.edit("caption: Overview", "caption: The overview")
    publisher.sandbox.clear_journal()
    run = _ci(publisher, tmp_path)
    assert run.code == 0, run.text
    assert _image_uploads(publisher) == 0
    after = listings(publisher.sandbox.state())[BUILD]
    assert after["screenshots"] == [{**before["screenshots"][0], "caption": "The overview"}]
    assert after["heroImage"] == before["heroImage"]
    assert after["highlights"] == before["highlights"]


def test_changed_image_slots_without_state_upload_the_images(
    publisher: Publisher, release: Release, tmp_path: Path
) -> None:
    assert _ci(publisher, tmp_path).code == 0
    release.edit(
        "      caption: Overview\n",
        "      caption: Overview\n    - image: docs/img/h2.png\n      caption: Approvals\n",
    )
    publisher.sandbox.clear_journal()
    run = _ci(publisher, tmp_path)
    assert run.code == 0, run.text
    assert "the listing's image slots changed" in run.out
    assert _image_uploads(publisher) == 6  # h2.png serves two slots: one upload
    shots = listings(publisher.sandbox.state())[BUILD]["screenshots"]
    assert [s["caption"] for s in shots] == ["Overview", "Approvals"]


def test_with_state_the_journal_proves_equality_and_no_note_is_shown(
    publisher: Publisher,
) -> None:
    assert publisher().code == 0
    publisher.sandbox.clear_journal()
    run = publisher()
    assert run.code == 0 and publisher.writes() == []
    assert "cannot be proven equal" not in run.out


# -- duplicate version numbers ------------------------------------------------------------------


def test_a_second_build_with_the_same_version_is_refused_at_version_and_build(
    publisher: Publisher, release: Release, tmp_path: Path
) -> None:
    assert _ci(publisher, tmp_path).code == 0
    release.edit(f"build: {BUILD}", f"build: {BUILD + 1}")
    publisher.sandbox.clear_journal()
    run = _ci(publisher, tmp_path)
    assert run.code == 6, run.text
    assert f"version 2.4.0 already exists on Marketplace as build {BUILD}" in run.text
    assert f"release.yml:{release.line_of('version:')}:" in run.text
    assert f"release.yml:{release.line_of('build:')}:" in run.text
    assert "--allow-duplicate-version" in run.text
    assert publisher.writes() == []
    allowed = _ci(publisher, tmp_path, "publish", "--allow-duplicate-version")
    assert allowed.code == 0, allowed.text
    numbers = [v["versionNumber"] for v in versions(publisher.sandbox.state()).values()]
    assert numbers == ["2.4.0", "2.4.0"]


def test_the_duplicate_is_found_on_a_later_page(
    publisher: Publisher, release: Release, tmp_path: Path
) -> None:
    """60 newer versions come first (the sandbox lists newest first, 50 per page at most)."""
    assert _ci(publisher, tmp_path).code == 0
    store = publisher.sandbox._ctx.store
    with store.lock:
        app = next(a for a in store.apps.values() if BUILD in a.versions)
        template = app.versions[BUILD]
        for n in range(1, 61):
            newer = copy.deepcopy(template)
            newer.update(buildNumber=BUILD + 1000 + n, versionNumber=f"3.{n}.0")
            app.versions[BUILD + 1000 + n] = newer
    release.edit(f"build: {BUILD}", f"build: {BUILD + 1}")
    publisher.sandbox.clear_journal()
    run = _ci(publisher, tmp_path, "plan")
    assert run.code == 6, run.text
    pages = [e for e in publisher.sandbox.journal() if e["path"].endswith("/versions")]
    assert len(pages) >= 2


@pytest.mark.parametrize("args", [(), ("--allow-duplicate-version",)])
def test_a_re_run_of_the_same_build_is_not_a_duplicate(
    publisher: Publisher, tmp_path: Path, args: tuple[str, ...]
) -> None:
    assert _ci(publisher, tmp_path).code == 0
    run = _ci(publisher, tmp_path, "publish", *args)
    assert run.code == 0, run.text


def test_a_new_hosting_gets_uploads_while_the_live_one_keeps_its_images(
    publisher: Publisher, release: Release, tmp_path: Path
) -> None:
    assert _ci(publisher, tmp_path).code == 0
    before = listings(publisher.sandbox.state())[BUILD]
    release.edit("hosting: datacenter", "hosting: [datacenter, server]")
    publisher.sandbox.clear_journal()
    run = _ci(publisher, tmp_path)
    assert run.code == 0, run.text
    assert _image_uploads(publisher) == 6  # for the server listing, which is new
    state = publisher.sandbox.state()
    assert listings(state)[BUILD] == before  # the datacenter listing: no PUT, same images
    assert not [w for w in publisher.writes() if w[0] == "PUT"]
    server = listings(state, "server")[BUILD]
    assert server["heroImage"] != before["heroImage"] and server["heroImage"] in state["images"]
