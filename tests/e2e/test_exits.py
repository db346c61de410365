"""With `--json`, every exit ends with exactly one valid JSON document on stdout: usage errors,
bugs, and SIGINT/SIGTERM, which stop a publish cleanly (130/143) with a resumable journal."""

from __future__ import annotations

import json
import queue
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

from publisher.cli import main
from publisher.exits import Signals, Terminated
from publisher.sandbox import Fault
from tests.support.publisher import Publisher

IMAGES = 6  # distinct images in examples/release.yml


@pytest.mark.parametrize(
    "argv",
    [
        ["publish", "--json", "--frobnicate"],
        ["publish", "--js", "--dry-run=yes"],
        ["plan", "--json", "a.yml", "b.yml"],
        ["--json"],
    ],
)
def test_a_usage_error_with_json_prints_one_document_and_exits_2(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv, env={}) == 2
    out, err = capsys.readouterr()
    document = json.loads(out)  # exactly one document: trailing text would not parse
    assert document["exit_code"] == 2 and document["result"] == "failed"
    assert document["error"] and "usage" in err


@pytest.mark.parametrize(
    "root", ["ftp://example.com", "http://127.0.0.1:99999", "http://127.0.0.1:80x", "https://a b.c"]
)
def test_an_unusable_api_root_is_exit_2_with_one_document(publisher: Publisher, root: str) -> None:
    run = publisher("publish", "--json", MPAC_API_URL=root)
    assert run.code == 2, run.text
    assert json.loads(run.out)["exit_code"] == 2
    assert publisher.sandbox.journal() == []


def _wait_for_line(process: subprocess.Popen[str], needle: str) -> list[str]:
    """Read stderr until a line holds `needle` (bounded: 30 s); a thread keeps reading after."""
    assert process.stderr is not None
    lines: queue.Queue[str] = queue.Queue()
    stream = process.stderr
    threading.Thread(target=lambda: [lines.put(x) for x in stream], daemon=True).start()
    seen: list[str] = []
    deadline = time.monotonic() + 30
    while not any(needle in x for x in seen) and time.monotonic() < deadline:
        try:
            seen.append(lines.get(timeout=max(0.01, deadline - time.monotonic())))
        except queue.Empty:
            break
    return seen


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_stops_the_publish_with_one_document_and_a_resumable_journal(
    publisher: Publisher, signum: int, code: int
) -> None:
    sandbox = publisher.sandbox
    # The artifact upload waits on the server: the signal finds the publisher mid-request.
    sandbox.add_fault(Fault(method="POST", path="/rest/3/artifacts", action="delay", seconds=3.0))
    with publisher.spawn("--json", separate_stderr=True) as process:
        try:
            seen = _wait_for_line(
                process, f"{IMAGES} listing images uploaded"
            )  # the images step, as reported
            assert process.poll() is None, f"the publish ended before the signal: {seen}"
            process.send_signal(signum)
            assert process.wait(timeout=30) == code, seen
        finally:
            if process.poll() is None:
                process.kill()
        assert process.stdout is not None
        out = process.stdout.read()
    document = json.loads(out)
    assert document["exit_code"] == code and document["result"] == "interrupted"
    assert "re-run" in document["advice"]
    uploaded = [u for u in document["uploads"] if u["kind"] == "image" and u["id"]]
    assert len(uploaded) == IMAGES, "the document says what was done before the signal"
    for journal in Path(publisher.env["MPAC_STATE_DIR"]).rglob("*.json"):
        json.loads(journal.read_text())  # complete files, never half-written
    sandbox.clear_faults()
    sandbox.clear_journal()
    rerun = publisher()
    assert rerun.code == 0, rerun.text
    again = [e for e in sandbox.journal() if e["path"].startswith("/rest/3/assets/images")]
    assert again == [], "images recorded before the signal are not uploaded again"


def test_a_signal_after_the_result_document_does_not_contradict_it() -> None:
    signals = Signals()
    with pytest.raises(Terminated):
        signals.handle(signal.SIGTERM, None)
    with pytest.raises(KeyboardInterrupt):
        signals.handle(signal.SIGINT, None)
    signals.settle()
    signals.handle(signal.SIGTERM, None)  # the result is out: recorded, not raised
    assert signals.late == [signal.SIGTERM]


@pytest.mark.parametrize("user", ["false", "null", "2004000"])
def test_a_secret_that_looks_like_json_syntax_never_breaks_the_document(
    publisher: Publisher, user: str
) -> None:
    run = publisher("publish", "--json", MPAC_USER=user)  # not an email: masked as a secret
    assert run.code == 4, run.text
    document = json.loads(run.out)
    assert document["exit_code"] == 4 and document["dry_run"] is False
