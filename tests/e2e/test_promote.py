"""`publish --stage` creates the listing PRIVATE; `promote --receipt FILE [--execute]` turns it
PUBLIC only when Marketplace still holds what the receipt records; a dry run writes nothing."""

from __future__ import annotations

import json
from pathlib import Path

from publisher.sandbox import Fault
from tests.e2e.aftercare import call, document, writes
from tests.support.publisher import Publisher, app_software_id, listings


def staged(publisher: Publisher, tmp_path: Path) -> Path:
    """Build 2004000 staged (release.yml says public: --stage makes the new listing PRIVATE),
    and its receipt."""
    assert "state: public" in publisher.release.path.read_text()
    receipt = tmp_path / "receipt.json"
    run = publisher("publish", "--stage", "--receipt", str(receipt))
    assert run.code == 0, run.text
    assert json.loads(receipt.read_text())["hostings"][0]["listing_state"] == "PRIVATE"
    publisher.sandbox.clear_journal()
    return receipt


def state(publisher: Publisher, hosting: str = "datacenter") -> str:
    return str(listings(publisher.sandbox.state(), hosting)[2004000]["state"])


def test_promote_without_execute_writes_nothing(publisher: Publisher, tmp_path: Path) -> None:
    receipt = staged(publisher, tmp_path)
    run = call(publisher, "promote", "--receipt", str(receipt), "--json")
    found = document(run, "promote")
    assert run.code == 0 and found["result"] == "planned" and found["dry_run"]
    assert found["hostings"] == [{"hosting": "datacenter", "state": "PRIVATE", "action": "planned"}]
    assert writes(publisher) == [] and state(publisher) == "PRIVATE"


def test_promote_flips_the_listing_to_public_and_a_rerun_is_a_notice(
    publisher: Publisher, tmp_path: Path
) -> None:
    receipt = staged(publisher, tmp_path)
    config = str(publisher.release.path)
    run = call(publisher, "promote", config, "--receipt", str(receipt), "--execute", "--json")
    found = document(run, "promote")
    assert run.code == 0 and found["result"] == "promoted", run.text
    assert state(publisher) == "PUBLIC"
    assert [(w["method"], w["path"].rsplit("/", 1)[-1]) for w in writes(publisher)] == [
        ("PUT", "listing")
    ]
    publisher.sandbox.clear_journal()
    again = document(
        call(publisher, "promote", "--receipt", str(receipt), "--execute", "--json"), "promote"
    )
    assert again["result"] == "already-public" and writes(publisher) == []
    rerun = publisher("publish", "--stage", "--receipt", str(receipt))  # idempotent: stays PUBLIC
    assert rerun.code == 0 and writes(publisher) == [] and state(publisher) == "PUBLIC"


def test_promote_with_a_forged_receipt_is_refused_with_nothing_written(
    publisher: Publisher, tmp_path: Path
) -> None:
    receipt = staged(publisher, tmp_path)
    genuine = json.loads(receipt.read_text())
    forgeries = {
        "artifact_id": {**genuine, "artifact_id": "00000000-0000-4000-8000-000000000000"},
        "checksum": {**genuine, "marketplace_checksum": "sha512:" + "0" * 128},
    }
    for name, forged in forgeries.items():
        receipt.write_text(json.dumps(forged))
        run = call(publisher, "promote", "--receipt", str(receipt), "--execute")
        assert run.code == 13, (name, run.text)
        assert "nothing was changed" in run.text, run.text
    assert writes(publisher) == [] and state(publisher) == "PRIVATE"
    forged = {**genuine, "build": 2005000}
    receipt.write_text(json.dumps(forged))
    run = call(publisher, "promote", str(publisher.release.path), "--receipt", str(receipt))
    assert run.code == 6 and "the receipt is for com.example.timesheets@2005000" in run.text


def test_stage_needs_a_listing_section(publisher: Publisher) -> None:
    text = publisher.release.path.read_text()
    publisher.release.path.write_text(text[: text.index("listing:")])
    run = publisher("publish", "--stage")
    assert run.code == 2 and "publish --stage needs a listing: section" in run.text, run.text
    assert writes(publisher) == []


def test_stage_refuses_to_set_a_live_listings_state_too(publisher: Publisher) -> None:
    run = publisher("publish", "--stage", "--listing-state", "release")
    assert run.code == 2, run.text
    assert "--stage keeps each existing listing's live state" in run.text
    assert writes(publisher) == []


def test_a_listing_under_review_is_not_promoted(publisher: Publisher, tmp_path: Path) -> None:
    receipt = staged(publisher, tmp_path)
    store = publisher.sandbox._ctx.store  # no control endpoint sets an approval state (yet)
    app = next(
        a
        for a in store.apps.values()
        if a.app_key == "com.example.timesheets" and a.hosting == "datacenter"
    )
    with store.lock:
        app.listings[2004000]["approvalStatus"] = "PENDING"
    run = call(publisher, "promote", "--receipt", str(receipt), "--execute")
    assert run.code == 6 and "the listing is under review (PENDING)" in run.text, run.text
    assert writes(publisher) == [] and state(publisher) == "PRIVATE"


def test_promote_failing_on_the_second_hosting_is_partial_and_a_rerun_finishes(
    publisher: Publisher, tmp_path: Path
) -> None:
    publisher.release.edit("hosting: datacenter", "hosting: [server, datacenter]")
    receipt = staged(publisher, tmp_path)
    first, second = [h["hosting"] for h in json.loads(receipt.read_text())["hostings"]]
    app_id = app_software_id(publisher.sandbox.state(), second)
    listing = f"/rest/3/app-software/{app_id}/versions/2004000/listing"
    publisher.sandbox.add_fault(Fault(method="PUT", path=listing, status=503, times=None))
    args = ("promote", "--receipt", str(receipt), "--execute", "--json")

    run = call(publisher, *args)

    found = document(run, "promote")
    assert run.code == 7, run.text
    assert found["result"] == "partial" and found["exit_code"] == 7
    assert found["hostings"] == [
        {"hosting": first, "state": "PUBLIC", "action": "promoted"},
        {"hosting": second, "state": "PRIVATE", "action": "failed"},
    ]
    assert found["error"].startswith(f"{first}: promoted; then "), found["error"]
    assert found["advice"].startswith("re-run the same command to finish"), found["advice"]
    assert f"{first}: promoted; then " in run.text  # the text says it as well as --json
    assert state(publisher, first) == "PUBLIC" and state(publisher, second) == "PRIVATE"

    publisher.sandbox.clear_faults()
    publisher.sandbox.clear_journal()
    rerun = call(publisher, *args)
    again = document(rerun, "promote")
    assert rerun.code == 0 and again["result"] == "promoted", rerun.text
    assert [h["action"] for h in again["hostings"]] == ["already-public", "promoted"]
    assert state(publisher, first) == "PUBLIC" and state(publisher, second) == "PUBLIC"
    assert [w["path"] for w in writes(publisher)] == [listing]  # the first is left as it is
