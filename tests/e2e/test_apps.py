"""`mpac-publisher apps`: a developer space's apps over cursor pages, filtered client-side."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from publisher.sandbox import Sandbox, SandboxSettings
from tests.e2e.aftercare import call, document
from tests.support.publisher import Publisher, Release

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
