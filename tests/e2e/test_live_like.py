"""The client against the stricter sandbox: each test fails if the client relies on a friendlier
Marketplace than the live one (issue 14) or than its worst plausible self (issue 15)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from publisher.sandbox import Fault, Sandbox, SandboxSettings
from tests.support.artifacts import jar_bytes
from tests.support.fileserver import file_server
from tests.support.publisher import SPACING, Publisher, Release, listings, versions

BUILD = 2004000
JAR = "target/timesheets-2.4.0.jar"
NOTES_REJECTED = "Invalid value for changelog.releaseNotes. Cannot be longer than 5000 characters"


@pytest.fixture
def make_publisher(release: Release, tmp_path: Path) -> Iterator[Any]:
    """make_publisher(seed=None, **settings) -> a Publisher on a sandbox of its own."""
    started: list[Sandbox] = []

    def make(seed: Any = None, **settings: Any) -> Publisher:
        settings.setdefault("upload_spacing", SPACING)
        sandbox = Sandbox(settings=SandboxSettings(**settings), seed=seed).start()
        started.append(sandbox)
        return Publisher(sandbox, release, tmp_path / f"state{len(started)}")

    yield make
    for sandbox in started:
        sandbox.stop()


def _rebuild_jar(release: Release) -> None:
    """The same key and version, other bytes: what re-running a release tag produces."""
    (release.root / JAR).write_bytes(jar_bytes(filler=128))


def _artifact_id(version: dict[str, Any]) -> str:
    return str(version["frameworkDetails"]["attributes"]["artifactId"])


# -- issue 15 #1: a rebuilt jar never swaps the binary of an existing version by accident --------


def test_a_rebuilt_jar_for_an_existing_version_stops_with_exit_10_before_any_upload(
    publisher: Publisher, release: Release
) -> None:
    assert publisher().code == 0
    live = versions(publisher.sandbox.state())[BUILD]
    old_checksum = publisher.sandbox.state()["artifacts"][_artifact_id(live)]["checksum"]
    _rebuild_jar(release)
    publisher.sandbox.clear_journal()
    run = publisher()
    assert run.code == 10, run.text
    assert publisher.writes() == []  # not even an image
    assert old_checksum in run.text and "state submitted" in run.text
    assert run.text.count("sha512:") >= 2  # both checksums are shown
    assert f"release.yml:{release.line_of('artifact:')}:" in run.text
    assert "--replace-artifact" in run.text
    assert versions(publisher.sandbox.state())[BUILD] == live


def test_a_new_artifact_url_for_an_existing_version_stops_with_exit_10(
    publisher: Publisher, release: Release
) -> None:
    assert publisher().code == 0
    live = versions(publisher.sandbox.state())[BUILD]
    (release.root / "target" / "rebuilt.jar").write_bytes(jar_bytes(filler=128))
    with file_server(release.root / "target") as root:
        release.edit(f"artifact: {JAR}", f"artifact: {root}/rebuilt.jar")
        publisher.sandbox.clear_journal()
        run = publisher()
    assert run.code == 10, run.text
    assert publisher.writes() == []  # Marketplace was not even asked to fetch it
    assert "is to be fetched" in run.text and _artifact_id(live) in run.text
    assert versions(publisher.sandbox.state())[BUILD] == live


def test_replace_artifact_swaps_a_draft_version(make_publisher: Any, release: Release) -> None:
    publisher = make_publisher(created_version_state="draft")
    assert publisher().code == 0
    before = _artifact_id(versions(publisher.sandbox.state())[BUILD])
    _rebuild_jar(release)
    run = publisher("publish", "--replace-artifact")
    assert run.code == 0, run.text
    after = _artifact_id(versions(publisher.sandbox.state())[BUILD])
    assert after != before


def test_replace_artifact_past_draft_is_refused_at_the_artifact_line(
    publisher: Publisher, release: Release
) -> None:
    assert publisher().code == 0
    _rebuild_jar(release)
    run = publisher("publish", "--replace-artifact")
    assert run.code == 6, run.text
    assert f"release.yml:{release.line_of('artifact:')}:" in run.text
    assert "cannot be replaced" in run.text


# -- issue 15 #3: a normalising server does not cause a PUT on every run ------------------------


def test_a_normalising_server_does_not_make_a_re_run_put(
    publisher: Publisher, release: Release
) -> None:
    release.edit("caption: Overview", "caption: '  Overview  '")
    assert publisher().code == 0
    state = publisher.sandbox.state()
    listing = listings(state)[BUILD]
    assert listing["developerLinks"]["bonTermsSupported"] is False  # a default we never sent
    assert listing["deploymentInstructions"] == []  # an empty list we never sent
    assert listing["moreDetails"] == listing["moreDetails"].strip()  # trimmed text
    assert listing["screenshots"][0]["caption"] == "Overview"
    assert versions(state)[BUILD]["editionsEnabled"] is False
    publisher.sandbox.clear_journal()
    run = publisher()
    assert run.code == 0, run.text
    assert publisher.writes() == []


def test_a_real_change_is_still_seen_through_the_normalisation(
    publisher: Publisher, release: Release
) -> None:
    assert publisher().code == 0
    release.edit("documentation: https://example.com/timesheets/docs", "eula: https://e.com/eula")
    publisher.sandbox.clear_journal()
    run = publisher()
    assert run.code == 0, run.text
    listing = listings(publisher.sandbox.state())[BUILD]
    assert listing["developerLinks"]["eula"] == "https://e.com/eula"


# -- issue 14: validation messages in the live "field" form are located too ---------------------


def test_field_form_validation_messages_are_located_at_their_line(
    make_publisher: Any, release: Release
) -> None:
    publisher = make_publisher(validation_messages="field")
    publisher.sandbox.add_fault(
        Fault(
            method="POST",
            path="/rest/3/app-software/*/versions",
            status=400,
            detail=NOTES_REJECTED,
        )
    )
    run = publisher()
    assert run.code == 6, run.text
    assert "Invalid value for field 'changelog.releaseNotes':" in run.text
    assert f"release.yml:{release.line_of('notes_file:')}:" in run.text


# -- issue 14: archived app software --------------------------------------------------------------


def test_an_archived_app_software_of_the_same_hosting_is_skipped(make_publisher: Any) -> None:
    seed = {
        "accounts": [
            {
                "email": "demo@example.com",
                "token": "sandbox-demo-token",
                "apps": [{"key": "com.example.timesheets", "archived_twins": ["datacenter"]}],
            }
        ]
    }
    publisher = make_publisher(seed)
    run = publisher()
    assert run.code == 0, run.text
    state = publisher.sandbox.state()
    landed = [a for a in state["apps"].values() if a["versions"]]
    assert [(a["hosting"], a["archived"]) for a in landed] == [("datacenter", False)]


# -- issue 14: listings are auto-approved and their approval status is never changed ------------


def test_a_listing_update_keeps_its_uninitiated_approval_status(
    publisher: Publisher, release: Release
) -> None:
    assert publisher().code == 0
    assert listings(publisher.sandbox.state())[BUILD]["approvalStatus"] == "UNINITIATED"
    release.edit("youtube: dQw4w9WgXcQ", "youtube: aaaaaaaaaaa")
    run = publisher()
    assert run.code == 0, run.text
    listing = listings(publisher.sandbox.state())[BUILD]
    assert (listing["youtubeId"], listing["approvalStatus"]) == ("aaaaaaaaaaa", "UNINITIATED")


def test_hiding_the_only_public_version_is_refused_at_the_state_line(
    publisher: Publisher, release: Release
) -> None:
    assert publisher().code == 0
    release.edit("state: public", "state: private")
    kept = publisher()  # an existing listing keeps its live state unless asked (issue 21 #4)
    assert kept.code == 0 and "to hide it, run `mpac-publisher yank --execute`" in kept.text
    run = publisher("publish", "--listing-state", "release")
    assert run.code in (6, 7), run.text
    assert f"release.yml:{release.line_of('state: private')}:" in run.text
    assert listings(publisher.sandbox.state())[BUILD]["state"] == "PUBLIC"


# -- issue 14: broken pagination links ----------------------------------------------------------


@pytest.mark.parametrize("style", ["no-prefix", "doubled"])
def test_repairable_pagination_links_still_collect_every_page(
    make_publisher: Any, release: Release, style: str
) -> None:
    release.edit("product: jira", "product: crowd")  # Crowd is on the last page
    release.edit("min: 9.12.0", "min: 5.0.0")
    release.edit("max: 10.3.0", "max: 6.0.0")
    publisher = make_publisher(link_style=style, max_page_size=2)
    run = publisher()
    assert run.code == 0, run.text
    compat = versions(publisher.sandbox.state())[BUILD]["compatibilities"]
    assert [c["parentSoftwareId"] for c in compat] == ["crowd"]


def test_a_leftover_v2_pagination_link_is_never_followed(make_publisher: Any) -> None:
    publisher = make_publisher(link_style="v2", max_page_size=2)
    run = publisher()
    followed = [e["path"] for e in publisher.sandbox.journal() if "/rest/2" in e["path"]]
    assert followed == [], followed
    assert run.code != 1, run.text  # a clear refusal, or ...
    if run.code == 0:  # ... every page collected from /rest/3 after all
        assert BUILD in versions(publisher.sandbox.state())


class _Recorder(BaseHTTPRequestHandler):
    seen: list[dict[str, str]]

    def do_GET(self) -> None:
        type(self).seen.append(dict(self.headers.items()))
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        """Silent."""


@pytest.fixture
def foreign_host() -> Iterator[tuple[str, list[dict[str, str]]]]:
    seen: list[dict[str, str]] = []
    handler = type("Recorder", (_Recorder,), {"seen": seen})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", seen
    server.shutdown()
    server.server_close()


def test_pagination_link_to_another_host_gets_no_credentials(
    make_publisher: Any, foreign_host: tuple[str, list[dict[str, str]]]
) -> None:
    root, seen = foreign_host
    publisher = make_publisher(link_style="other-host", foreign_link_root=root, max_page_size=2)
    run = publisher()
    assert not [h for h in seen if "Authorization" in h], "credentials reached another host"
    assert seen == [], "a link to another host was followed at all"
    assert run.code != 1, run.text
    if run.code == 0:  # pages collected from the API root instead: the version is complete
        assert BUILD in versions(publisher.sandbox.state())


# -- issue 15 #6: image names must name their format ---------------------------------------------


def test_an_image_named_after_another_format_is_sent_with_a_matching_name(
    publisher: Publisher, release: Release
) -> None:
    img = release.root / "docs" / "img"
    (img / "overview.png").rename(img / "overview.jpg")  # PNG bytes under a .jpg name
    release.edit("image: docs/img/overview.png", "image: docs/img/overview.jpg")
    run = publisher()
    assert run.code == 0, run.text
    names = {i["name"] for i in publisher.sandbox.state()["images"].values()}
    assert not any(n.endswith(".jpg") for n in names)


@pytest.mark.parametrize("name", ["overview.PNG", "overview"])
def test_image_names_are_sent_in_the_spelling_the_service_lists(
    make_publisher: Any, release: Release, name: str
) -> None:
    img = release.root / "docs" / "img"
    (img / "overview.png").rename(img / name)
    release.edit("image: docs/img/overview.png", f"image: docs/img/{name}")
    publisher = make_publisher(image_extension_check="listed")
    run = publisher()
    assert run.code == 0, run.text
