"""The main publish scenarios once per sandbox variant: the live-like defaults and each adverse
mode (docs/sandbox.md, "Behaviours and their sources"). A scenario that passes only on the
friendlier sandbox fails here."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from requests_toolbelt import MultipartEncoder

from publisher.sandbox import Sandbox, SandboxSettings
from tests.support.artifacts import jar_bytes
from tests.support.publisher import SPACING, Publisher, Release

BUILD = 2004000
ARCHIVED_TWIN = {
    "accounts": [
        {
            "email": "demo@example.com",
            "token": "sandbox-demo-token",
            "apps": [{"key": "com.example.timesheets", "archived_twins": ["datacenter", "server"]}],
        }
    ]
}
BROKEN = {"max_page_size": 2}
# name -> (settings, seed); every variant keeps the live-like defaults it does not name.
VARIANTS: dict[str, tuple[dict[str, Any], Any]] = {
    "live-like": ({}, None),
    "field-messages": ({"validation_messages": "field"}, None),
    "one-item-pages": ({"max_page_size": 1}, None),
    "archived-twin": ({}, ARCHIVED_TWIN),
    "links-no-prefix": ({"link_style": "no-prefix", **BROKEN}, None),
    "links-doubled": ({"link_style": "doubled", **BROKEN}, None),
    "breach-429-seconds": ({"retry_after": "seconds"}, None),
    "breach-429-http-date": ({"retry_after": "http-date"}, None),
    "breach-429-absent": ({"retry_after": "absent"}, None),
    "breach-429-no-body": ({"rate_limit_body": "empty"}, None),
    "breach-503-seconds": ({"rate_limit_status": 503}, None),
}
# v2 and other-host links may rightly end a run with a refusal: test_live_like.py covers them.
BREACH_SPACING = 2.0  # the sandbox's rule (the client believes SPACING); well above a slow plan


def _params() -> list[Any]:
    return [pytest.param(name, id=name) for name in VARIANTS]


@pytest.fixture(params=_params())
def variant(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def on_variant(variant: str, release: Release, tmp_path: Path) -> Iterator[Any]:
    """on_variant(**extra) -> a Publisher on a sandbox in this variant (started once)."""
    started: list[Sandbox] = []

    def make(**extra: Any) -> Publisher:
        settings, seed = VARIANTS[variant]
        merged = {"upload_spacing": SPACING, **settings, **extra}
        sandbox = Sandbox(settings=SandboxSettings(**merged), seed=seed).start()
        started.append(sandbox)
        return Publisher(sandbox, release, tmp_path / "state")

    yield make
    for sandbox in started:
        sandbox.stop()


def _live_app_id(publisher: Publisher) -> str:
    for app_id, app in publisher.sandbox.state()["apps"].items():
        if app["hosting"] == "datacenter" and not app["archived"]:
            return str(app_id)
    raise AssertionError("no live datacenter app software")


def versions(publisher: Publisher) -> dict[Any, Any]:
    """The live (not archived) datacenter app software's versions."""
    return dict(publisher.sandbox.state()["apps"][_live_app_id(publisher)]["versions"])


def listings(publisher: Publisher) -> dict[Any, Any]:
    return dict(publisher.sandbox.state()["apps"][_live_app_id(publisher)]["listings"])


def test_publish_then_a_re_run_writes_nothing(on_variant: Any) -> None:
    publisher = on_variant()
    run = publisher()
    assert run.code == 0, run.text
    assert BUILD in versions(publisher) and listings(publisher)[BUILD]["state"] == "PUBLIC"
    publisher.sandbox.clear_journal()
    again = publisher()
    assert again.code == 0, again.text
    assert publisher.writes() == []


def test_changed_notes_are_one_put(on_variant: Any, release: Release) -> None:
    publisher = on_variant()
    assert publisher().code == 0
    changelog = release.root / "CHANGELOG.md"
    changelog.write_text(changelog.read_text().replace("three times faster", "four times faster"))
    publisher.sandbox.clear_journal()
    run = publisher()
    assert run.code == 0, run.text
    path = f"/rest/3/app-software/{_live_app_id(publisher)}/versions/{BUILD}"
    assert publisher.writes() == [("PUT", path)]
    assert "four times faster" in versions(publisher)[BUILD]["changelog"]["releaseNotes"].replace(
        "\n", " "
    )


def _upload_elsewhere(sandbox: Sandbox) -> None:
    """Another machine of the same vendor uploads an artifact just now (the client's ledger
    cannot know), so the client's own upload meets the sandbox's spacing rule."""
    encoder = MultipartEncoder(fields={"file": ("other.jar", jar_bytes(), "application/java")})
    response = requests.post(
        sandbox.url + "/rest/3/artifacts",
        data=encoder,
        headers={"Content-Type": encoder.content_type},
        auth=sandbox.credentials,
        timeout=15,
    )
    assert response.status_code == 200, response.text


def test_an_upload_turned_away_by_the_spacing_rule_is_waited_out(
    on_variant: Any, release: Release
) -> None:
    text = release.path.read_text()
    release.path.write_text(text[: text.index("\nlisting:")] + "\n")  # no images to delay it
    publisher = on_variant(upload_spacing=BREACH_SPACING)
    _upload_elsewhere(publisher.sandbox)
    # With a Retry-After the client must honour it: a tiny backoff alone would give up first.
    # Without one, the backoff keeps production's ratio to the spacing (1 s initial for 10 s).
    absent = publisher.sandbox.settings.retry_after == "absent"
    run = publisher(MPAC_RETRY_INITIAL=str(BREACH_SPACING / 10 if absent else 0.01))
    assert run.code == 0, run.text
    uploads = [e for e in publisher.sandbox.journal() if e["path"] == "/rest/3/artifacts"]
    outcomes = [e["outcome"] for e in uploads]
    assert outcomes[0] == "ok" and "rate-limited" in outcomes and outcomes[-1] == "ok", outcomes
    assert BUILD in versions(publisher)
