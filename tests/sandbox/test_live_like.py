"""The live-like defaults and the adverse modes, each on its own (docs/sandbox.md, "Behaviours").

Most other sandbox tests start from the friendlier behaviours (tests/sandbox/conftest.py); these
start from `SandboxSettings()` defaults unless a test names a mode.
"""

from __future__ import annotations

import struct
from email.utils import parsedate_to_datetime
from typing import Any

import pytest
import requests

from publisher.sandbox import Sandbox, SandboxSettings
from tests.support.api import Api, check
from tests.support.artifacts import jar_bytes, png_bytes

APP = "com.example.timesheets"
VERSIONS = "/rest/3/app-software/{appSoftwareId}/versions"
ARCHIVED_SEED = {
    "accounts": [
        {
            "email": "demo@example.com",
            "token": "sandbox-demo-token",
            "apps": [
                {"key": APP, "hosting": ["datacenter"], "archived_twins": ["datacenter", "server"]}
            ],
        }
    ]
}


def live(make_sandbox: Any, seed: Any = None, **settings: Any) -> Api:
    """An Api on a sandbox with the live-like defaults (plus `settings`), no upload spacing."""
    defaults = {f: getattr(SandboxSettings(), f) for f in ("validation_messages", "version_order")}
    defaults |= {"readback_defaults": True, "image_dimensions": SandboxSettings().image_dimensions}
    return Api(make_sandbox(seed, **{**defaults, **settings}))


def create(api: Api, dc: str, artifact: str, build: int, **overrides: Any) -> None:
    body = api.version_body(artifact, build=build, **overrides)
    response = api.post(f"/rest/3/app-software/{dc}/versions", json=body)
    assert response.status_code == 201, response.text


# -- order ------------------------------------------------------------------------------------


def test_app_software_versions_come_in_a_seeded_shuffle_stable_across_pages(
    make_sandbox: Any,
) -> None:
    api = live(make_sandbox)
    dc = api.app_software_id(APP, "datacenter")
    artifact = api.artifact_id(jar_bytes())
    builds = [2004000 + n for n in range(8)]
    for build in builds:
        create(api, dc, artifact, build)
    whole = [
        v["buildNumber"] for v in api.get(f"{VERSIONS.format(appSoftwareId=dc)}").json()["versions"]
    ]
    assert sorted(whole) == builds and whole != sorted(builds, reverse=True)
    paged: list[int] = []
    url = f"/rest/3/app-software/{dc}/versions?limit=3"
    for _ in range(5):
        body = check(api.get(url), VERSIONS)
        paged += [v["buildNumber"] for v in body["versions"]]
        if "next" not in body["links"]:
            break
        url = body["links"]["next"]
    assert paged == whole  # one consistent order across pages
    again = live(make_sandbox)
    for build in builds:
        create(again, dc, again.artifact_id(jar_bytes()), build)
    order = [
        v["buildNumber"] for v in again.get(VERSIONS.format(appSoftwareId=dc)).json()["versions"]
    ]
    assert order == whole  # the same seed, the same order


def test_newest_first_is_the_friendlier_option(make_sandbox: Any) -> None:
    api = live(make_sandbox, version_order="newest-first")
    dc = api.app_software_id(APP, "datacenter")
    artifact = api.artifact_id(jar_bytes())
    for build in (2004000, 2004002, 2004001):
        create(api, dc, artifact, build)
    order = [
        v["buildNumber"] for v in api.get(VERSIONS.format(appSoftwareId=dc)).json()["versions"]
    ]
    assert order == [2004002, 2004001, 2004000]


# -- archived -----------------------------------------------------------------------------------


def test_app_key_lookup_carries_archived_and_lists_an_archived_twin_first(
    make_sandbox: Any,
) -> None:
    api = live(make_sandbox, seed=ARCHIVED_SEED)
    found = api.get(f"/rest/3/app-software/app-key/{APP}").json()
    assert [(e["hosting"], e["archived"]) for e in found] == [
        ("datacenter", True),
        ("datacenter", False),
        ("server", True),
    ]
    archived = found[0]["appSoftwareId"]
    body = api.version_body(api.artifact_id(jar_bytes()))
    response = api.post(f"/rest/3/app-software/{archived}/versions", json=body)
    assert response.status_code == 400 and "archived" in response.text
    default = live(make_sandbox).get(f"/rest/3/app-software/app-key/{APP}").json()
    assert {e["archived"] for e in default} == {False}


# -- validation messages ------------------------------------------------------------------------


def _details(api: Api, dc: str) -> list[str]:
    response = api.post(f"/rest/3/app-software/{dc}/versions", json={"buildNumber": 1})
    assert response.status_code == 400
    return [e["detail"] for e in response.json()["errors"]]


def test_mixed_messages_use_both_live_forms_repeatably(make_sandbox: Any) -> None:
    api = live(make_sandbox)
    details = _details(api, api.app_software_id(APP, "datacenter"))
    spec = [d for d in details if d.startswith("Invalid value for ") and "field '" not in d]
    field = [d for d in details if d.startswith("Invalid value for field '")]
    assert spec and field and len(spec) + len(field) == len(details)
    again = live(make_sandbox)
    assert _details(again, again.app_software_id(APP, "datacenter")) == details


@pytest.mark.parametrize(
    ("form", "expected"),
    [
        ("spec", "Invalid value for supportedPaymentModel. Required field is missing"),
        ("field", "Invalid value for field 'supportedPaymentModel': Required field is missing"),
    ],
)
def test_a_single_message_form_can_be_chosen(make_sandbox: Any, form: str, expected: str) -> None:
    api = live(make_sandbox, validation_messages=form)
    assert expected in _details(api, api.app_software_id(APP, "datacenter"))


# -- links and page size ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("intact", "/rest/3/parent-software?"),
        ("no-prefix", "/parent-software?"),
        ("doubled", "/rest/3/parent-software/parent-software?"),
        ("v2", "/rest/2/parent-software?"),
        ("other-host", "http://127.0.0.1:9/rest/3/parent-software?"),
    ],
)
def test_broken_link_styles(make_sandbox: Any, style: str, expected: str) -> None:
    api = live(make_sandbox, link_style=style, foreign_link_root="http://127.0.0.1:9")
    body = api.get("/rest/3/parent-software", params={"limit": 2}).json()
    assert body["links"]["next"].startswith(expected)
    assert "cursor=" in body["links"]["next"] and body["links"]["self"].startswith(expected)


def test_a_page_cap_returns_fewer_items_than_asked(make_sandbox: Any) -> None:
    api = live(make_sandbox, max_page_size=2)
    body = api.get("/rest/3/parent-software", params={"limit": 50}).json()
    assert len(body["parentSoftware"]) == 2 and "next" in body["links"]


def test_parent_versions_are_newest_first(make_sandbox: Any) -> None:
    body = live(make_sandbox).get("/rest/3/parent-software/jira/versions?limit=1").json()
    newest = body["versions"][0]["buildNumber"]
    everything = live(make_sandbox).get("/rest/3/parent-software/jira/versions?limit=50").json()
    assert newest == max(v["buildNumber"] for v in everything["versions"])


# -- the answer to a spacing breach -------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "form", "body"),
    [(429, "seconds", "error"), (429, "http-date", "empty"), (503, "absent", "error")],
)
def test_the_spacing_breach_answer_is_configurable(
    make_sandbox: Any, status: int, form: str, body: str
) -> None:
    api = live(
        make_sandbox,
        upload_spacing=30,
        rate_limit_status=status,
        retry_after=form,
        rate_limit_body=body,
    )
    assert api.upload_artifact(jar_bytes()).status_code == 200
    refused = api.upload_artifact(jar_bytes())
    assert refused.status_code == status
    header = refused.headers.get("Retry-After")
    if form == "seconds":
        assert header is not None and 29 <= int(header) <= 30
    elif form == "http-date":
        assert header is not None
        when = parsedate_to_datetime(header) - parsedate_to_datetime(refused.headers["Date"])
        assert 29 <= when.total_seconds() <= 31
    else:
        assert header is None
    assert (refused.content == b"") == (body == "empty")


# -- artifact swaps -----------------------------------------------------------------------------


def _swap(api: Api, dc: str) -> requests.Response:
    current = api.get(f"/rest/3/app-software/{dc}/versions/2004000").json()
    other = api.artifact_id(jar_bytes(filler=64))
    body = api.version_body(other)
    body |= {"state": current["state"], "revision": current["revision"]}
    body.pop("acceptedAgreements")
    return api.put(f"/rest/3/app-software/{dc}/versions/2004000", json=body)


def test_the_artifact_of_a_version_past_draft_cannot_be_swapped(make_sandbox: Any) -> None:
    api = live(make_sandbox, validation_messages="spec")
    dc = api.app_software_id(APP, "datacenter")
    create(api, dc, api.artifact_id(jar_bytes()), 2004000)
    refused = _swap(api, dc)
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["detail"] == (
        "Invalid value for frameworkDetails.attributes.artifactId. "
        "The artifact of a submitted version cannot be replaced"
    )


@pytest.mark.parametrize(
    "settings",
    [{"created_version_state": "draft"}, {"artifact_change_states": ("draft", "submitted")}],
)
def test_a_draft_version_or_a_configured_state_may_swap_its_artifact(
    make_sandbox: Any, settings: dict[str, Any]
) -> None:
    api = live(make_sandbox, **settings)
    dc = api.app_software_id(APP, "datacenter")
    create(api, dc, api.artifact_id(jar_bytes()), 2004000)
    assert _swap(api, dc).status_code == 200


# -- read-back normalisation --------------------------------------------------------------------


def test_read_back_adds_defaults_and_trims_text(make_sandbox: Any) -> None:
    api = live(make_sandbox)
    dc = api.app_software_id(APP, "datacenter")
    changelog = {"releaseSummary": "  Faster  ", "releaseNotes": "Notes\n"}
    create(api, dc, api.artifact_id(jar_bytes()), 2004000, changelog=changelog)
    version = api.get(f"/rest/3/app-software/{dc}/versions/2004000").json()
    assert version["changelog"] == {"releaseSummary": "Faster", "releaseNotes": "Notes"}
    assert version["editionsEnabled"] is False
    listing = {"state": "PRIVATE", "moreDetails": "Longer text\n", "developerLinks": {}}
    path = f"/rest/3/app-software/{dc}/versions/2004000/listing"
    assert api.post(path, json=listing).status_code == 201
    got = check(
        api.get(path), "/rest/3/app-software/{appSoftwareId}/versions/{buildNumber}/listing"
    )
    assert got["moreDetails"] == "Longer text"
    assert got["developerLinks"] == {"bonTermsSupported": False}
    assert got["screenshots"] == got["highlights"] == got["deploymentInstructions"] == []


# -- images: names and pixel sizes --------------------------------------------------------------


@pytest.mark.parametrize("name", ["shot.txt", "shot", "shot.jpg", "shot.gif"])
def test_an_image_whose_name_does_not_name_its_format_is_refused(
    make_sandbox: Any, name: str
) -> None:
    api = live(make_sandbox)
    response = api.upload("/rest/3/assets/images/screenshot", png_bytes(), name)
    assert response.status_code == 400
    assert "Unsupported image format" in response.json()["errors"][0]["detail"]


@pytest.mark.parametrize("name", ["shot.png", "SHOT.PNG"])
def test_an_image_named_after_its_format_is_accepted(make_sandbox: Any, name: str) -> None:
    response = live(make_sandbox).upload("/rest/3/assets/images/screenshot", png_bytes(), name)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("name", "accepted"), [("s.png", True), ("s.PNG", False), ("s.jpg", False)]
)
def test_the_listed_check_takes_only_the_extensions_the_error_lists(
    make_sandbox: Any, name: str, accepted: bool
) -> None:
    api = live(make_sandbox, image_extension_check="listed")
    response = api.upload("/rest/3/assets/images/screenshot", png_bytes(), name)
    assert (response.status_code == 200) == accepted, response.text
    jpeg = api.upload("/rest/3/assets/images/screenshot", _jpeg(4, 4), "s.jpeg")
    assert jpeg.status_code == 400  # .jpeg is not among .jpg, .png, .gif, .bmp


def _jpeg(width: int, height: int) -> bytes:
    app0 = b"\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof + b"\xff\xd9"


@pytest.mark.parametrize(
    ("image_type", "data", "name", "accepted"),
    [
        ("logo", png_bytes(144, 144), "logo.png", True),
        ("logo", png_bytes(145, 144), "logo.png", False),
        ("logo", _jpeg(144, 144), "logo.jpg", True),
        ("logo", _jpeg(200, 200), "logo.jpg", False),
        ("banner", png_bytes(1120, 548), "banner.png", True),
        ("banner", png_bytes(1120, 549), "banner.png", False),
        ("screenshot", png_bytes(3, 7), "s.png", True),  # undocumented: unchecked
    ],
)
def test_documented_pixel_sizes_are_enforced(
    make_sandbox: Any, image_type: str, data: bytes, name: str, accepted: bool
) -> None:
    response = live(make_sandbox).upload(f"/rest/3/assets/images/{image_type}", data, name)
    assert (response.status_code == 200) == accepted, response.text
    if not accepted:
        assert "pixels" in response.json()["errors"][0]["detail"]


# -- HTTP details -------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["TRACE", "QUERY"])
def test_unsupported_methods_are_405_with_allow_not_501(sandbox: Sandbox, method: str) -> None:
    response = requests.request(method, sandbox.url + "/rest/3/parent-software", timeout=10)
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET"
    assert response.headers["Content-Type"] == "application/json"


def test_the_fetch_path_is_not_shadowed_by_the_artifact_id_path(api: Api) -> None:
    options = api.request("OPTIONS", "/rest/3/artifacts/fetch")
    assert (options.status_code, options.headers["Allow"]) == (405, "POST")
    assert api.get("/rest/3/artifacts/fetch").headers["Allow"] == "POST"
    assert api.request("OPTIONS", "/rest/3/artifacts/x").headers["Allow"] == "GET"


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"archived": "datacenter"}, "archived: must be a list of the app's hostings"),
        ({"hosting": ["server"], "archived": ["datacenter"]}, "must be a list of the app's"),
        ({"archived_twins": ["moon"]}, "archived_twins: must be a list"),
        ({"archived_twins": ["server", "server"]}, "duplicate archived twin"),
    ],
)
def test_a_bad_archived_entry_is_a_seed_error(entry: dict[str, Any], message: str) -> None:
    from publisher.sandbox import SeedError, load_seed

    app = {"key": "k", **entry}
    seed = {"accounts": [{"email": "a@example.com", "token": "t", "apps": [app]}]}
    with pytest.raises(SeedError, match=message):
        load_seed(seed)


def test_the_seed_can_mark_an_app_software_archived(make_sandbox: Any) -> None:
    seed = {
        "accounts": [
            {
                "email": "demo@example.com",
                "token": "sandbox-demo-token",
                "apps": [{"key": APP, "hosting": ["datacenter", "server"], "archived": ["server"]}],
            }
        ]
    }
    found = live(make_sandbox, seed=seed).get(f"/rest/3/app-software/app-key/{APP}").json()
    assert [(e["hosting"], e["archived"]) for e in found] == [
        ("datacenter", False),
        ("server", True),
    ]
