"""`mpac-publisher verify`: download what Marketplace serves for a version and hold it against
Marketplace's checksum, the local jar and the receipt; exit 13 when they differ."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from publisher.sandbox import Fault
from tests.e2e.aftercare import call, document, writes
from tests.support.artifacts import jar_bytes
from tests.support.publisher import Publisher

JAR = "target/timesheets-2.4.0.jar"
DOWNLOAD = "/rest/3/artifacts/*/download"


def published(publisher: Publisher, tmp_path: Path) -> Path:
    receipt = tmp_path / "receipt.json"
    run = publisher("publish", "--receipt", str(receipt))
    assert run.code == 0, run.text
    publisher.sandbox.clear_journal()
    return receipt


def sha512(data: bytes) -> str:
    return "sha512:" + hashlib.sha512(data).hexdigest()


def test_verify_passes_on_the_published_version(publisher: Publisher, tmp_path: Path) -> None:
    receipt = published(publisher, tmp_path)
    config = str(publisher.release.path)
    run = call(publisher, "verify", config, "--receipt", str(receipt), "--json")
    found = document(run, "verify")
    assert run.code == 0 and found["result"] == "matches", run.text
    data = (publisher.release.root / JAR).read_bytes()
    [hosting] = found["hostings"]
    assert hosting["served"] == {
        "size": len(data),
        "sha512": sha512(data),
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    against = [c["against"] for c in hosting["checks"] if c["same"]]
    assert against == [
        "Marketplace's fileInfo.checksum",
        f"the local file {publisher.release.root / JAR}",
        "the receipt's sha512 of the published file",
        "the receipt's artifact id",
        "the receipt's fileInfo.checksum",
    ]
    paths = [e["path"] for e in publisher.sandbox.journal()]
    assert sum(p.endswith("/download") for p in paths) == 1
    assert writes(publisher) == []


def test_verify_fails_when_marketplace_serves_other_bytes(
    publisher: Publisher, tmp_path: Path
) -> None:
    receipt = published(publisher, tmp_path)
    publisher.sandbox.add_fault(Fault("GET", DOWNLOAD, action="other_bytes", times=None))
    data = (publisher.release.root / JAR).read_bytes()
    other = bytes([data[0] ^ 0xFF]) + data[1:]
    for args in (["--receipt", str(receipt)], [str(publisher.release.path)]):
        run = call(publisher, "verify", *args)
        assert run.code == 13, run.text
        assert sha512(data) in run.text and sha512(other) in run.text
        assert "Marketplace serves other bytes than were published" in run.text


def test_verify_fails_when_the_local_jar_differs(publisher: Publisher, tmp_path: Path) -> None:
    published(publisher, tmp_path)
    rebuilt = tmp_path / "rebuilt.jar"
    rebuilt.write_bytes(jar_bytes(name="Timesheets, changed"))  # other content, not a rebuild
    run = call(publisher, "verify", str(publisher.release.path), "--file", str(rebuilt), "--json")
    found = document(run, "verify")
    assert run.code == 13 and found["result"] == "differs"
    checks = {c["against"]: c for c in found["hostings"][0]["checks"]}
    assert checks["Marketplace's fileInfo.checksum"]["same"]
    local = checks[f"the local file {rebuilt}"]
    assert not local["same"] and local["expected"] == sha512(rebuilt.read_bytes())
    assert local["expected"] in found["error"] and local["found"] in found["error"]


def test_verify_app_at_build_needs_no_release_yml(publisher: Publisher, tmp_path: Path) -> None:
    published(publisher, tmp_path)
    run = call(publisher, "verify", "com.example.timesheets@2004000", "--json")
    found = document(run, "verify")
    assert run.code == 0 and found["result"] == "matches", run.text
    assert [c["against"] for c in found["hostings"][0]["checks"]] == [
        "Marketplace's fileInfo.checksum"
    ]


def test_a_forged_receipt_is_caught(publisher: Publisher, tmp_path: Path) -> None:
    receipt = published(publisher, tmp_path)
    forged = json.loads(receipt.read_text())
    forged["artifact"]["sha512"] = "0" * 128
    forged["artifact_id"] = "00000000-0000-4000-8000-000000000000"
    receipt.write_text(json.dumps(forged))
    run = call(publisher, "verify", "--receipt", str(receipt), "--json")
    found = document(run, "verify")
    assert run.code == 13
    differ = [c["against"] for c in found["hostings"][0]["checks"] if not c["same"]]
    assert differ == ["the receipt's sha512 of the published file", "the receipt's artifact id"]


def test_a_receipt_that_is_not_one_is_a_clear_usage_error(
    publisher: Publisher, tmp_path: Path
) -> None:
    receipt = published(publisher, tmp_path)
    other = json.loads(receipt.read_text())
    cases = {
        "{not json": "is not JSON",
        json.dumps({"app": "x"}): "is not a receipt",
        json.dumps({**other, "build": 2005000}): "is for com.example.timesheets@2005000",
    }
    for text, why in cases.items():
        receipt.write_text(text)
        run = call(publisher, "verify", str(publisher.release.path), "--receipt", str(receipt))
        assert run.code == 2 and why in run.text, run.text
        assert "Traceback" not in run.text
    run = call(publisher, "verify", "not-an-app@x")
    assert run.code == 2 and "neither a release.yml nor APP@BUILD" in run.text, run.text
