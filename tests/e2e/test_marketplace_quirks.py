"""Live Marketplace behaviour the spec does not describe: the second form of validation messages
and the `archived` flag of the app-key lookup."""

from __future__ import annotations

import pytest

from publisher.marketplace.errors import parse_entries
from publisher.sandbox import Fault
from publisher.sandbox.state import AppSoftware
from tests.support.publisher import Publisher, Release

ARCHIVED_ID = "00000000-0000-4000-8000-00000000a4c1"


@pytest.mark.parametrize(
    ("detail", "field"),
    [
        ("Invalid value for appName. Cannot be longer than 60 characters", "appName"),
        ("Invalid value for field 'uri'", "uri"),
        (
            "Invalid value for field 'supportedPaymentModel': must be one of FREE",
            "supportedPaymentModel",
        ),
        ("Invalid value for supportedPaymentModel: must be one of FREE", "supportedPaymentModel"),
        ("Invalid value for changelog.releaseNotes.", "changelog.releaseNotes"),
    ],
)
def test_both_forms_of_validation_message_name_the_field(detail: str, field: str) -> None:
    entries = parse_entries(b'{"errors": [{"status": "400", "detail": "%s"}]}' % detail.encode())
    assert entries[0].field == field


@pytest.mark.parametrize(
    "detail",
    [
        "Invalid value for supportedPaymentModel. Must be one of FREE",
        "Invalid value for field 'supportedPaymentModel': must be one of FREE",
    ],
)
def test_a_live_style_rejection_is_located_at_the_release_yml_line(
    publisher: Publisher, release: Release, detail: str
) -> None:
    publisher.sandbox.add_fault(
        Fault(
            method="POST",
            path="/rest/3/app-software/*/versions",
            status=400,
            code="VALIDATION_FAIL",
            detail=detail,
        )
    )
    run = publisher()
    assert run.code == 6, run.text
    line = release.line_of("payment: free")
    assert f"release.yml:{line}:" in run.text, run.text
    assert "Marketplace rejected supportedPaymentModel (from `payment`)" in run.text


def _archive_first(publisher: Publisher, hosting: str) -> None:
    """An archived app software of the same key and hosting, listed before the live one."""
    store = publisher.sandbox._ctx.store
    with store.lock:
        old = AppSoftware(ARCHIVED_ID, "com.example.timesheets", hosting, "demo@example.com")
        old.archived = True
        store.apps = {ARCHIVED_ID: old, **store.apps}


def test_an_archived_app_software_is_skipped(publisher: Publisher) -> None:
    _archive_first(publisher, "datacenter")
    run = publisher()
    assert run.code == 0, run.text
    state = publisher.sandbox.state()
    assert state["apps"][ARCHIVED_ID]["versions"] == {}
    live = [a for sid, a in state["apps"].items() if sid != ARCHIVED_ID]
    assert [a["hosting"] for a in live if 2004000 in a["versions"]] == ["datacenter"]


def test_only_an_archived_app_software_is_a_located_rejection(
    publisher: Publisher, release: Release
) -> None:
    _archive_first(publisher, "datacenter")
    store = publisher.sandbox._ctx.store
    with store.lock:
        store.apps = {
            k: a for k, a in store.apps.items() if a.hosting != "datacenter" or a.archived
        }
    run = publisher()
    assert run.code == 6, run.text
    assert "only an archived one" in run.text
    assert f"release.yml:{release.line_of('hosting:')}:" in run.text
