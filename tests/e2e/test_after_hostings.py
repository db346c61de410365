"""Which live app software release.yml's hostings name is one resolution shared by status,
compat check, compat bump and yank (issue 20 #2): none listed, only another hosting, or all
archived is refused by all four alike (exit 6, at release.yml's `hosting:`), never "current",
"nothing to raise" or "already private". A live version lacking a product release.yml names is a
warning (exit 11), never "current"."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from publisher.sandbox import Sandbox, SandboxSettings
from tests.e2e.aftercare import call, document, writes
from tests.support.hostile import hostile_proxy
from tests.support.publisher import Publisher, Release

COMMANDS = (
    ("status", ("status",)),
    ("compat-check", ("compat", "check")),
    ("compat-bump", ("compat", "bump")),
    ("yank", ("yank", "--execute")),
)


def _seeded(tmp_path: Path, app: dict[str, Any]) -> Iterator[Publisher]:
    seed = {"accounts": [{"email": "v@example.com", "token": "v-token", "apps": [app]}]}
    with Sandbox(settings=SandboxSettings(upload_spacing=0.2), seed=seed) as sandbox:
        yield Publisher(sandbox, Release(tmp_path / "repo"), tmp_path / "state")


@pytest.fixture
def datacenter_only(tmp_path: Path) -> Iterator[Publisher]:
    yield from _seeded(tmp_path, {"key": "com.example.timesheets", "hosting": ["datacenter"]})


@pytest.fixture
def server_archived(tmp_path: Path) -> Iterator[Publisher]:
    app = {"key": "com.example.timesheets", "hosting": ["datacenter", "server"]}
    yield from _seeded(tmp_path, {**app, "archived": ["server"]})


def _all_refuse(publisher: Publisher, *needles: str) -> None:
    config = str(publisher.release.path)
    publisher.sandbox.clear_journal()
    line = publisher.release.line_of("hosting:")
    for name, argv in COMMANDS:
        run = call(publisher, *argv, config, "--json")
        found = document(run, name)
        assert run.code == 6, f"{name}: {run.text}"
        assert found["result"] == "failed"
        for needle in needles:
            assert needle in found["error"], f"{name}: {found['error']}"
        [where] = [d["location"] for d in found["diagnostics"]]
        assert where["line"] == line, f"{name}: {found['diagnostics']}"
    assert writes(publisher) == []


def test_only_another_hosting_on_marketplace_is_refused_by_all_four(
    datacenter_only: Publisher,
) -> None:
    assert datacenter_only("publish").code == 0
    datacenter_only.release.edit("hosting: datacenter", "hosting: server")
    _all_refuse(
        datacenter_only, "no live app software for release.yml's hosting server", "lists datacenter"
    )


def test_only_archived_app_software_is_refused_by_all_four(server_archived: Publisher) -> None:
    assert server_archived("publish").code == 0
    server_archived.release.edit("hosting: datacenter", "hosting: server")
    _all_refuse(server_archived, "hosting server", "server (archived)")


def test_no_app_software_listed_at_all_is_refused_by_all_four(publisher: Publisher) -> None:
    assert publisher("publish").code == 0
    with hostile_proxy(publisher.sandbox.url) as proxy:
        proxy.rewrite_json("GET", r"^/rest/3/app-software/app-key/", lambda found: [])
        publisher.env["MPAC_API_URL"] = proxy.url
        config = str(publisher.release.path)
        for name, argv in COMMANDS:
            run = call(publisher, *argv, config, "--json")
            assert run.code == 6, f"{name}: {run.text}"
            assert "Marketplace has no app software for com.example.timesheets" in run.text
            assert document(run, name)["result"] == "failed"


def test_a_live_version_lacking_a_named_product_is_a_warning_not_current(
    publisher: Publisher,
) -> None:
    """The live version's compatibility names Jira only; release.yml now also names Confluence
    (as if the range was removed on Marketplace): check is exit 11 at that product's line."""
    publisher.release.edit("max: 10.3.0", "max: 10.7.0")  # the sandbox's newest Jira: not behind
    assert publisher("publish").code == 0
    publisher.release.edit(
        "compatibility:",
        "compatibility:\n  - product: confluence\n    min: 8.5.0\n    max: 8.5.1",
    )
    line = publisher.release.line_of("product: confluence")
    run = call(publisher, "compat", "check", str(publisher.release.path), "--json")
    found = document(run, "compat-check")
    assert run.code == 11, run.text
    assert found["result"] == "incomplete"
    assert found["missing"] == [
        {"hosting": "datacenter", "product": "Confluence", "parent_software_id": "confluence"}
    ]
    [gap] = found["diagnostics"]
    assert gap["severity"] == "warning" and gap["location"]["line"] == line
    assert "no Confluence compatibility" in gap["message"]
    bump = call(publisher, "compat", "bump", str(publisher.release.path), "--dry-run", "--json")
    assert bump.code == 0 and "no Confluence compatibility" in bump.text
