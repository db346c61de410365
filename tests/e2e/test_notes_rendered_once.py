"""Release notes are rendered once per run (issue #24): the plan carries the HTML, and the plan's
description, every hosting's version document and the executor's PUT or POST all use that value."""

from __future__ import annotations

from pathlib import Path

import nh3
import pytest

from tests.support.publisher import Publisher, Release, versions


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One entry per rendering of release notes (every form ends in the sanitiser)."""
    counted: list[int] = []
    clean = nh3.clean

    def counting(html: str, *args: object, **kwargs: object) -> str:
        counted.append(len(html))
        return clean(html, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(nh3, "clean", counting)
    return counted


def test_a_publish_to_two_hostings_renders_the_notes_once(
    publisher: Publisher, release: Release, renders: list[int]
) -> None:
    release.edit("hosting: datacenter", "hosting: [datacenter, server]")
    run = publisher()
    assert run.code == 0, run.text
    assert len(renders) == 1
    state = publisher.sandbox.state()
    for hosting in ("datacenter", "server"):
        notes = versions(state, hosting)[2004000]["changelog"]["releaseNotes"]
        assert notes.startswith("<h3>Changed</h3>\n<ul>\n<li>Export is three times faster.</li>")


def test_an_update_of_the_notes_renders_them_once(
    publisher: Publisher, release: Release, renders: list[int]
) -> None:
    release.edit("hosting: datacenter", "hosting: [datacenter, server]")
    assert publisher().code == 0
    changelog = Path(release.root) / "CHANGELOG.md"
    changelog.write_text(changelog.read_text().replace("three times", "four times"))
    renders.clear()
    run = publisher()
    assert run.code == 0, run.text
    assert len(renders) == 1
    for hosting in ("datacenter", "server"):
        notes = versions(publisher.sandbox.state(), hosting)[2004000]["changelog"]["releaseNotes"]
        assert "<li>Export is four times faster.</li>" in notes


def test_a_dry_run_renders_the_notes_once(
    publisher: Publisher, release: Release, renders: list[int]
) -> None:
    release.edit("hosting: datacenter", "hosting: [datacenter, server]")
    run = publisher("plan", MPAC_USER="", MPAC_TOKEN="")  # offline: every version is a create
    assert run.code == 0, run.text
    assert len(renders) == 1
    assert "  | <li>Export is three times faster.</li>" in run.out
    assert run.out.count("Export is three times faster.") == 3  # the notes, and both bodies
