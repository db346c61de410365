"""`mpac-publisher apps`: a developer space's apps over cursor pages, filtered client-side."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from publisher.sandbox import Sandbox, SandboxSettings
from publisher.sandbox.faults import Fault
from tests.e2e.aftercare import call, document
from tests.support.publisher import Publisher, Release

HELD = 1.0  # seconds a delayed request waits at the sandbox (the tests' HTTP timeout is 2 s)
SEED = {
    "accounts": [
        {
            "email": "vendor@example.com",
            "token": "vendor-token",
            "apps": [
                {
                    "key": f"com.example.app{i:02d}",
                    "name": "Time Tracker" if i == 7 else f"App {i:02d}",
                    "hosting": ["datacenter"] if i % 2 else ["server", "datacenter"],
                    **({"state": "private"} if i % 10 == 3 else {}),
                    **({"archived": ["server"]} if i == 4 else {}),
                }
                for i in range(25)
            ],
        },
        {"email": "other@example.com", "token": "other-token", "apps": []},
    ]
}


@pytest.fixture
def vendor(tmp_path: Path) -> Iterator[Publisher]:
    # pages of 10 whatever `limit` asks (the client asks 50), so paging is exercised
    with Sandbox(settings=SandboxSettings(max_page_size=10), seed=SEED) as sandbox:
        yield Publisher(sandbox, Release(tmp_path / "repo"), tmp_path / "state")


def test_apps_lists_the_developer_space_over_three_pages(vendor: Publisher) -> None:
    _, vendor_id = vendor.sandbox.developer_ids()
    run = call(vendor, "apps", "--json", MPAC_VENDOR_ID=str(vendor_id))
    found = document(run, "apps")
    assert run.code == 0, run.text
    assert [a["key"] for a in found["apps"]] == [f"com.example.app{i:02d}" for i in range(25)]
    assert {a["state"] for a in found["apps"]} == {"PUBLIC", "PRIVATE"}  # private ones included
    pages = [e for e in vendor.sandbox.journal() if "/product-listing/" in e["path"]]
    assert len(pages) == 3
    assert all(e["query"].get("includePrivate") == ["true"] for e in pages)
    assert found["outputs"]["count"] == "25"


def test_apps_filters_by_text_and_hosting(vendor: Publisher) -> None:
    developer_id, _ = vendor.sandbox.developer_ids()
    env = {"MPAC_DEVELOPER_ID": developer_id}
    by_text = document(call(vendor, "apps", "--json", "--text", "TRACKER", **env), "apps")
    assert [a["key"] for a in by_text["apps"]] == ["com.example.app07"]
    on_server = document(call(vendor, "apps", "--json", "--hosting", "server", **env), "apps")
    keys = [a["key"] for a in on_server["apps"]]
    # even numbers have a server hosting; app04's is archived
    assert keys == [f"com.example.app{i:02d}" for i in range(0, 25, 2) if i != 4]
    assert all("server" in a["hostings"] for a in on_server["apps"])


def test_a_numeric_developer_id_is_named_as_the_vendor_id_it_is(vendor: Publisher) -> None:
    _, vendor_id = vendor.sandbox.developer_ids()
    run = call(vendor, "apps", "--json", MPAC_DEVELOPER_ID=str(vendor_id))
    found = document(run, "apps")
    assert run.code == 2
    assert "a vendor id, not a developer id" in found["error"]
    assert f"MPAC_VENDOR_ID={vendor_id}" in found["advice"]
    assert vendor.sandbox.journal() == []  # refused before any request


def test_a_uuid_vendor_id_is_named_as_the_developer_id_it_is(vendor: Publisher) -> None:
    developer_id, _ = vendor.sandbox.developer_ids()
    run = call(vendor, "apps", MPAC_VENDOR_ID=developer_id)
    assert run.code == 2
    assert "a UUID: that is a developer id" in run.text
    assert f"MPAC_DEVELOPER_ID={developer_id}" in run.text


def test_an_unknown_vendor_id_is_rejected_with_advice(vendor: Publisher) -> None:
    run = call(vendor, "apps", MPAC_VENDOR_ID="12")
    assert run.code == 6
    assert "no vendor 12" in run.text


def test_another_vendors_developer_id_gets_the_id_mix_up_hint(vendor: Publisher) -> None:
    developer_id, _ = vendor.sandbox.developer_ids()
    env = {"MPAC_USER": "other@example.com", "MPAC_TOKEN": "other-token"}
    run = call(vendor, "apps", "--json", MPAC_DEVELOPER_ID=developer_id, **env)
    found = document(run, "apps")
    assert run.code == 4  # a 403
    assert "HTTP 403" in found["error"] and "MPAC_VENDOR_ID" in found["advice"]


def _lookups(sandbox: Sandbox) -> list[dict[str, Any]]:
    return [e for e in sandbox.journal() if e["path"].startswith("/rest/3/app-software/app-key/")]


def test_apps_asks_for_pages_of_fifty(tmp_path: Path) -> None:
    seed = {
        "accounts": [
            {
                **SEED["accounts"][0],
                "apps": [
                    {"key": f"com.example.app{i:02d}", "hosting": ["datacenter"]} for i in range(60)
                ],
            }
        ]
    }
    with Sandbox(settings=SandboxSettings(), seed=seed) as sandbox:
        vendor = Publisher(sandbox, Release(tmp_path / "repo"), tmp_path / "state")
        developer_id, _ = sandbox.developer_ids()
        found = document(call(vendor, "apps", "--json", MPAC_DEVELOPER_ID=developer_id), "apps")
        pages = [e for e in sandbox.journal() if "/product-listing/" in e["path"]]
    assert found["outputs"]["count"] == "60"
    assert [e["query"].get("limit") for e in pages] == [["50"], ["50"]]


def test_apps_looks_up_a_pages_apps_beside_the_next_page(vendor: Publisher) -> None:
    developer_id, _ = vendor.sandbox.developer_ids()
    listing = f"/rest/3/product-listing/developer-space/{developer_id}"
    vendor.sandbox.add_fault(Fault("GET", listing, action="delay", seconds=HELD, skip=1))
    run = call(vendor, "apps", "--json", "--hosting", "datacenter", MPAC_DEVELOPER_ID=developer_id)
    assert document(run, "apps")["result"] == "listed", run.text
    second = [e for e in vendor.sandbox.journal() if e["path"] == listing][1]
    assert second["finished"] - second["started"] >= HELD  # the delayed page
    beside = [e for e in _lookups(vendor.sandbox) if e["started"] < second["finished"]]
    assert len(beside) == 10, "the first page's lookups waited for the next page"


def test_apps_keeps_the_listing_order_when_the_first_lookup_answers_last(
    vendor: Publisher,
) -> None:
    developer_id, _ = vendor.sandbox.developer_ids()
    first = "/rest/3/app-software/app-key/com.example.app00"
    vendor.sandbox.add_fault(Fault("GET", first, action="delay", seconds=HELD))
    run = call(vendor, "apps", "--json", "--hosting", "server", MPAC_DEVELOPER_ID=developer_id)
    keys = [a["key"] for a in document(run, "apps")["apps"]]
    assert keys == [f"com.example.app{i:02d}" for i in range(0, 25, 2) if i != 4]
    [held] = [e for e in _lookups(vendor.sandbox) if e["path"] == first]
    assert [e for e in _lookups(vendor.sandbox) if e["finished"] > held["finished"]] == []  # last


def test_apps_reports_the_first_apps_error_though_it_answers_last(vendor: Publisher) -> None:
    developer_id, _ = vendor.sandbox.developer_ids()
    first = "/rest/3/app-software/app-key/com.example.app00"
    sandbox = vendor.sandbox
    sandbox.add_fault(Fault("GET", first, action="delay", seconds=HELD))
    sandbox.add_fault(Fault("GET", first, status=500, code="BOOM", detail="first", times=None))
    later = "/rest/3/app-software/app-key/com.example.app02"
    sandbox.add_fault(Fault("GET", later, status=500, code="BOOM", detail="later", times=None))
    env = {"MPAC_DEVELOPER_ID": developer_id, "MPAC_HTTP_TIMEOUT": "0.5"}
    run = call(vendor, "apps", "--json", "--hosting", "server", **env)
    found = document(run, "apps")
    assert found["result"] == "failed"
    assert "com.example.app00" in found["error"] and "later" not in found["error"]
