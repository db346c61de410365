"""`compat bump --write-config` against the sandbox (issue #20, items 1, 4 and 8): what Marketplace
says is never written into release.yml unchecked, only a simple scalar is edited, and the file
keeps its line endings, its symlink and what is live is said when it cannot be written."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from publisher.sandbox import Sandbox, SandboxSettings
from publisher.sandbox.seed import load_seed
from tests.e2e.aftercare import JIRA, call, document, writes
from tests.support.hostile import Answer, Rule, hostile_proxy
from tests.support.publisher import ROOT, SPACING, Publisher, Release, versions

NEWEST_JIRA = "10.7.0"  # the sandbox catalogue's newest Jira release
UNEXPECTED = "Marketplace answered something unexpected"


@pytest.fixture
def current(publisher: Publisher) -> Publisher:
    """Published with max = the newest Jira, so nothing is newer yet."""
    publisher.release.edit("max: 10.3.0", f"max: {NEWEST_JIRA}")
    assert publisher("publish").code == 0
    publisher.sandbox.clear_journal()
    return publisher


def bump(publisher: Publisher, *args: str, config: Path | None = None) -> tuple[Any, Any]:
    shown = str(config or publisher.release.path)
    run = call(publisher, "compat", "bump", shown, "--write-config", "--json", *args)
    return run, document(run, "compat-bump")


def live_max(publisher: Publisher) -> int:
    return int(versions(publisher.sandbox.state())[2004000]["compatibilities"][0]["maxBuildNumber"])


# -- item 1: the server's versionNumber is checked, emitted, re-parsed -------------------------


@pytest.mark.parametrize(
    "number",
    [
        "10.8.0\n  - product: confluence\n    min: 7.19.0\n    max: 9.2.0",
        "10.8.0\nbeta: true",
        "10.8.0: [",
        "10.8.0 # and a comment",
        "'10.8.0",
    ],
    ids=["second compatibility entry", "extra key", "unparsable", "comment", "quote"],
)
def test_a_product_version_that_is_yaml_text_is_unexpected_and_nothing_is_written(
    current: Publisher, number: str
) -> None:
    current.sandbox.add_parent_version(JIRA, 1008000, number, ["datacenter"])
    before = current.release.path.read_bytes()
    run, found = bump(current)
    assert run.code == 8, run.text
    assert UNEXPECTED in found["error"] and "versionNumber" in found["error"]
    assert "versions[" in found["error"]  # which entry of the page
    assert writes(current) == [] and live_max(current) == 1007000
    assert current.release.path.read_bytes() == before


@pytest.mark.parametrize(
    ("entry", "said"),
    [
        ({"buildNumber": "1008000", "versionNumber": "10.8.0"}, "buildNumber is a string"),
        ({"buildNumber": True, "versionNumber": "10.8.0"}, "buildNumber is a boolean"),
        ({"buildNumber": 1008000, "versionNumber": 10.8}, "versionNumber is float"),
        ({"buildNumber": 1008000}, "versionNumber is missing"),
        ({"buildNumber": 1008000, "versionNumber": "10.8.0", "hosting": "datacenter"}, "hosting"),
    ],
    ids=["build as text", "build as boolean", "number as float", "no number", "hosting"],
)
def test_a_product_version_page_entry_of_the_wrong_shape_is_unexpected(
    current: Publisher, entry: Any, said: str
) -> None:
    with hostile_proxy(current.sandbox.url) as proxy:
        current.env["MPAC_API_URL"] = proxy.url
        proxy.rewrite_json(
            "GET",
            rf"^/rest/3/parent-software/{JIRA}/versions\?",
            lambda page: {**page, "versions": [entry, *page["versions"]]},
        )
        run, found = bump(current)
    assert run.code == 8, run.text
    assert UNEXPECTED in found["error"] and said in found["error"]
    assert "versions[0]" in found["error"]
    assert writes(current) == []


@pytest.fixture
def version_like_token(tmp_path: Path) -> Iterator[Sandbox]:
    """A sandbox whose account's token reads like a product version (it would pass the shape)."""
    seed = yaml.safe_load((ROOT / "publisher/sandbox/default_seed.yml").read_text())
    seed["accounts"][0]["token"] = "10.8.0-token-of-demo"
    with Sandbox(SandboxSettings(upload_spacing=SPACING), seed=load_seed(seed)) as server:
        yield server


def test_a_product_version_echoing_the_token_is_never_written_into_release_yml(
    version_like_token: Sandbox, release: Release, tmp_path: Path
) -> None:
    publisher = Publisher(version_like_token, release, tmp_path / "state")
    release.edit("max: 10.3.0", f"max: {NEWEST_JIRA}")
    assert publisher("publish").code == 0
    token = publisher.env["MPAC_TOKEN"]
    version_like_token.add_parent_version(JIRA, 1008000, token, ["datacenter"])
    version_like_token.clear_journal()
    run, found = bump(publisher)
    assert run.code == 8, run.text
    assert "contains a credential" in found["error"]
    assert token not in release.path.read_text() and token not in run.text
    assert writes(publisher) == []


# -- item 4: only a plain or quoted scalar, without anchor or alias, is edited ------------------


@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        (f"    max: {NEWEST_JIRA}\n", f"    max: >-\n      {NEWEST_JIRA}\n", "folded block scalar"),
        (f"    max: {NEWEST_JIRA}\n", f"    max: |-\n      {NEWEST_JIRA}\n", "literal block"),
        ("    min: 9.12.0\n    max: 10.7.0", "    min: &v 10.7.0\n    max: *v", "alias (*v)"),
        (f"    max: {NEWEST_JIRA}", f"    max: &top {NEWEST_JIRA}", "anchor (&top)"),
        (f"    max: {NEWEST_JIRA}", f"    max: !!str {NEWEST_JIRA}", "tag"),
    ],
    ids=["folded", "literal", "alias", "anchor", "tag"],
)
def test_a_max_that_is_not_a_simple_scalar_is_refused_before_the_put(
    current: Publisher, old: str, new: str, said: str
) -> None:
    current.release.edit(old, new)
    line = current.release.line_of("max:")
    before = current.release.path.read_bytes()
    current.sandbox.add_parent_version(JIRA, 1008000, "10.8.0", ["datacenter"])
    run, found = bump(current)
    assert run.code == 3, run.text
    assert said in found["error"] and "edit it by hand" in found["error"]
    assert found["error"].startswith(f"{current.release.path}:{line}:")
    assert writes(current) == [] and live_max(current) == 1007000
    assert current.release.path.read_bytes() == before


# -- item 8: line endings, symlinks, writability, and a re-run catching up ---------------------


def test_a_crlf_release_yml_keeps_its_crlf_line_endings(current: Publisher) -> None:
    path = current.release.path
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    before = path.read_bytes()
    current.sandbox.add_parent_version(JIRA, 1008000, "10.8.0", ["datacenter"])
    run, found = bump(current)
    assert run.code == 0, run.text
    assert path.read_bytes() == before.replace(b"max: 10.7.0\r\n", b"max: 10.8.0\r\n")
    assert found["config_edits"][0]["after"] == "    max: 10.8.0"  # no stray CR shown


def test_a_symlinked_release_yml_has_its_target_edited_and_stays_a_link(
    current: Publisher,
) -> None:
    root = current.release.root
    link = root / "ci" / "release.yml"
    link.parent.mkdir()
    link.symlink_to(Path("..") / "release.yml")
    current.sandbox.add_parent_version(JIRA, 1008000, "10.8.0", ["datacenter"])
    run, _ = bump(current, config=link)
    assert run.code == 0, run.text
    assert link.is_symlink() and os.readlink(link) == str(Path("..") / "release.yml")
    assert "    max: 10.8.0\n" in current.release.path.read_text()


def test_a_symlink_to_a_release_yml_outside_the_workspace_is_refused_before_the_put(
    current: Publisher, tmp_path: Path
) -> None:
    outside = Release(tmp_path / "elsewhere")
    outside.edit("max: 10.3.0", f"max: {NEWEST_JIRA}")
    link = current.release.path
    link.unlink()
    link.symlink_to(outside.path)
    before = outside.path.read_bytes()
    current.sandbox.add_parent_version(JIRA, 1008000, "10.8.0", ["datacenter"])
    run, found = bump(current)
    assert run.code == 3, run.text
    assert "outside the workspace" in found["error"] and "nothing was sent" in found["error"]
    assert writes(current) == [] and live_max(current) == 1007000
    assert link.is_symlink() and outside.path.read_bytes() == before


def test_allow_outside_workspace_edits_the_symlinks_target_outside_it(
    current: Publisher, tmp_path: Path
) -> None:
    outside = Release(tmp_path / "elsewhere")
    outside.edit("max: 10.3.0", f"max: {NEWEST_JIRA}")
    link = current.release.path
    link.unlink()
    link.symlink_to(outside.path)
    current.sandbox.add_parent_version(JIRA, 1008000, "10.8.0", ["datacenter"])
    run, _ = bump(current, "--allow-outside-workspace")
    assert run.code == 0, run.text
    assert link.is_symlink() and "    max: 10.8.0\n" in outside.path.read_text()


@contextlib.contextmanager
def immutable(directory: Path) -> Iterator[None]:
    """No file can be created in or removed from `directory`, even by root (chattr +i)."""
    if shutil.which("chattr") is None:
        pytest.skip("no chattr: cannot make a directory unwritable for root")
    made = subprocess.run(["chattr", "+i", str(directory)], capture_output=True, timeout=30)
    if made.returncode != 0:
        pytest.skip(f"chattr +i is not supported here: {made.stderr!r}")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(directory)], check=True, timeout=30)


def test_an_unwritable_release_yml_is_refused_before_the_put(current: Publisher) -> None:
    current.sandbox.add_parent_version(JIRA, 1008000, "10.8.0", ["datacenter"])
    with immutable(current.release.root):
        run, found = bump(current)
    assert run.code == 3, run.text
    assert "cannot be rewritten" in found["error"] and "nothing was sent" in found["error"]
    assert writes(current) == [] and live_max(current) == 1007000


def test_a_write_failing_after_the_put_says_what_is_live_and_a_re_run_catches_up(
    current: Publisher,
) -> None:
    current.sandbox.add_parent_version(JIRA, 1008000, "10.8.0", ["datacenter"])
    root = current.release.root
    frozen: list[subprocess.CompletedProcess[bytes]] = []

    def freeze_after_the_put(answer: Answer) -> Answer:
        frozen.append(subprocess.run(["chattr", "+i", str(root)], capture_output=True, timeout=30))
        return answer

    if shutil.which("chattr") is None:
        pytest.skip("no chattr: cannot make a directory unwritable for root")
    with hostile_proxy(current.sandbox.url) as proxy:
        current.env["MPAC_API_URL"] = proxy.url
        proxy.add(Rule("PUT", r"/versions/2004000$", rewrite=freeze_after_the_put, times=1))
        try:
            run, found = bump(current)
        finally:
            if frozen and frozen[0].returncode == 0:
                subprocess.run(["chattr", "-i", str(root)], check=True, timeout=30)
    if frozen[0].returncode != 0:
        pytest.skip(f"chattr +i is not supported here: {frozen[0].stderr!r}")
    assert run.code == 7, run.text
    line = current.release.line_of("max:")
    assert found["error"].startswith("Marketplace's max is raised (datacenter 2.4.0: Jira max")
    assert f"{current.release.path}:{line} could not be written" in found["error"]
    assert "set `max: 10.8.0`" in found["advice"] and "unexpected" not in run.text
    assert live_max(current) == 1008000
    assert f"max: {NEWEST_JIRA}\n" in current.release.path.read_text()
    current.sandbox.clear_journal()
    current.env["MPAC_API_URL"] = current.sandbox.url
    run, found = bump(current)  # the same command again, the directory writable
    assert run.code == 0, run.text
    assert writes(current) == []  # Marketplace already says 10.8.0
    assert found["config_edits"][0]["after"].strip() == "max: 10.8.0"
    assert "    max: 10.8.0\n" in current.release.path.read_text()


def test_write_config_never_lowers_a_max_release_yml_already_has_above_the_live_one(
    current: Publisher,
) -> None:
    current.sandbox.add_parent_version(JIRA, 1008000, "10.8.0", ["datacenter"])
    current.sandbox.add_parent_version(JIRA, 1009000, "10.9.0", ["datacenter"])
    current.release.edit(f"max: {NEWEST_JIRA}", "max: 10.9.0")
    run, found = bump(current, "--to", "10.8.0")
    assert run.code == 0, run.text
    assert live_max(current) == 1008000 and found["config_edits"] == []
    assert "    max: 10.9.0\n" in current.release.path.read_text()
