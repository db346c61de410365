"""`publish --receipt FILE`: a JSON receipt of what was published and what Marketplace holds,
valid against its schema, written atomically, holding no credential."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from publisher.report.document import schema
from tests.e2e.aftercare import writes
from tests.support.publisher import Publisher, Release, github_env, versions

JAR = "target/timesheets-2.4.0.jar"
COMMIT = "0123456789abcdef0123456789abcdef01234567"


def read_receipt(path: Path) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(path.read_text())
    problems = [e.message for e in Draft202012Validator(schema("receipt")).iter_errors(found)]
    assert not problems, problems
    return found


def credential_forms(publisher: Publisher) -> list[str]:
    user, token = publisher.env["MPAC_USER"], publisher.env["MPAC_TOKEN"]
    pair = f"{user}:{token}"
    return [token, pair, base64.b64encode(pair.encode()).decode()]


def test_receipt_holds_the_files_digests_and_what_marketplace_serves(
    publisher: Publisher, release: Release, tmp_path: Path
) -> None:
    receipt = tmp_path / "out" / "receipt.json"
    receipt.parent.mkdir()
    env = {
        **github_env(release, tmp_path),
        "GITHUB_SHA": COMMIT,
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_REPOSITORY": "example/timesheets",
        "GITHUB_RUN_ID": "42",
    }
    run = publisher("publish", "--receipt", str(receipt), **env)
    assert run.code == 0, run.text
    found = read_receipt(receipt)
    data = (release.root / JAR).read_bytes()
    assert found["artifact"] == {
        "source": JAR,
        "size": len(data),
        "sha512": hashlib.sha512(data).hexdigest(),
        "sha256": hashlib.sha256(data).hexdigest(),
        "rebuilt": False,  # these very bytes were uploaded
    }
    assert found["marketplace_checksum"] == "sha512:" + hashlib.sha512(data).hexdigest()
    live = versions(publisher.sandbox.state())[2004000]
    assert found["artifact_id"] == live["frameworkDetails"]["attributes"]["artifactId"]
    assert [(h["hosting"], h["listing_state"]) for h in found["hostings"]] == [
        ("datacenter", "PUBLIC")
    ]
    assert (found["app"], found["version"], found["build"]) == (
        "com.example.timesheets",
        "2.4.0",
        2004000,
    )
    assert found["git_commit"] == COMMIT
    assert found["ci_run_url"] == "https://github.com/example/timesheets/actions/runs/42"
    text = receipt.read_text()
    assert not [s for s in credential_forms(publisher) if s in text]
    assert [p.name for p in receipt.parent.iterdir()] == ["receipt.json"]  # no temporary left


def test_a_rerun_that_changes_nothing_writes_the_receipt_again(
    publisher: Publisher, tmp_path: Path
) -> None:
    assert publisher("publish").code == 0
    receipt = tmp_path / "receipt.json"
    publisher.sandbox.clear_journal()
    run = publisher("publish", "--receipt", str(receipt))
    assert run.code == 0, run.text
    assert writes(publisher) == []
    assert read_receipt(receipt)["hostings"][0]["listing_state"] == "PUBLIC"


def test_an_unusable_receipt_path_is_refused_before_anything_is_sent(
    publisher: Publisher, tmp_path: Path
) -> None:
    cases = {
        tmp_path / "missing" / "receipt.json": "does not exist",
        tmp_path: "is a directory",
    }
    for path, why in cases.items():
        run = publisher("publish", "--receipt", str(path))
        assert run.code == 2, run.text
        assert f"--receipt {path}" in run.text and why in run.text, run.text
    assert writes(publisher) == []


def test_a_dry_run_writes_no_receipt(publisher: Publisher, tmp_path: Path) -> None:
    receipt = tmp_path / "receipt.json"
    run = publisher("publish", "--dry-run", "--receipt", str(receipt))
    assert run.code == 0, run.text
    assert not receipt.exists() and "no receipt written" in run.text


def test_a_receipt_that_would_hold_a_credential_is_not_written(
    publisher: Publisher, tmp_path: Path
) -> None:
    receipt = tmp_path / "receipt.json"
    leaky = f"https://ci.example.com/job/{publisher.env['MPAC_TOKEN']}"
    run = publisher("publish", "--receipt", str(receipt), CI_JOB_URL=leaky)
    assert run.code == 2, run.text
    assert not receipt.exists() and list(tmp_path.glob(".receipt.json.*")) == []
    assert "would contain a credential" in run.text
    assert not [s for s in credential_forms(publisher) if s in run.text]
