"""A signal during a side-by-side round stops the publish within seconds, not when the slowest
request in flight answers: `docker stop` and a cancelled CI job kill the process ~10 s after
SIGTERM. The requests in flight are cut, the result document says which (they may have reached
Marketplace), and the next run finishes, sending again what has no record."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

import pytest

from publisher.sandbox import Fault
from tests.support.publisher import Publisher, listings, versions

IMAGES = 6  # distinct images in examples/release.yml, all in flight at once (concurrency.LIMIT)
SLOW = 8.0  # seconds the sandbox sits on each image upload: far longer than the bound below
BOUND = 3.0  # seconds from the signal to the exit (the cut allows concurrency.GRACE = 2 s)
BUILD = 2004000  # examples/release.yml's build


def _wait_until_all_received(publisher: Publisher, process: subprocess.Popen[str]) -> None:
    """Until the sandbox has taken every image upload (each consumes one armed fault), bounded."""
    ends = time.monotonic() + 30
    while publisher.sandbox.faults() and process.poll() is None and time.monotonic() < ends:
        time.sleep(0.02)
    assert process.poll() is None, "the publish ended before the image uploads were in flight"
    assert publisher.sandbox.faults() == [], "the image uploads never all reached the sandbox"


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_during_slow_image_uploads_cuts_them_and_reports_within_3_s(
    publisher: Publisher, signum: int, code: int
) -> None:
    sandbox = publisher.sandbox
    sandbox.add_fault(
        Fault(
            method="POST",
            path="/rest/3/assets/images/*",
            action="delay",
            seconds=SLOW,
            times=IMAGES,
        )
    )
    with publisher.spawn("--json", separate_stderr=True) as process:
        try:
            _wait_until_all_received(publisher, process)
            signalled = time.monotonic()
            process.send_signal(signum)
            returned = process.wait(timeout=30)
            took = time.monotonic() - signalled
        finally:
            if process.poll() is None:
                process.kill()
        assert process.stdout is not None and process.stderr is not None
        out, err = process.stdout.read(), process.stderr.read()
    assert returned == code, err
    print(f"stopped {took:.2f} s after the signal")
    assert took < BOUND, f"the publish took {took:.1f} s to stop after the signal"
    document = json.loads(out)  # the one result document, complete
    assert document["exit_code"] == code and document["result"] == "interrupted"
    assert "cut in flight" in document["error"] and "/rest/3/assets/images/" in document["error"]
    assert "re-run" in document["advice"]
    for journal in Path(publisher.env["MPAC_STATE_DIR"]).rglob("*.json"):
        json.loads(journal.read_text())  # complete files, never half-written
    # The next run: no record names the cut images, so they are sent again, and it finishes.
    sandbox.clear_journal()
    rerun = publisher("publish", "--json")
    assert rerun.code == 0, rerun.text
    sent = [e for e in sandbox.journal() if e["path"].startswith("/rest/3/assets/images/")]
    assert len(sent) == IMAGES, "the cut image uploads are sent again"
    state = sandbox.state()
    assert BUILD in versions(state) and BUILD in listings(state)


def test_a_signal_during_the_hostings_version_creates_cuts_them_and_the_rerun_reads_live(
    publisher: Publisher,
) -> None:
    publisher.release.edit("hosting: datacenter", "hosting: [datacenter, server]")
    sandbox = publisher.sandbox
    creates = "/rest/3/app-software/*/versions"
    sandbox.add_fault(Fault(method="POST", path=creates, action="delay", seconds=SLOW, times=2))
    with publisher.spawn("--json", separate_stderr=True) as process:
        try:
            _wait_until_all_received(publisher, process)
            signalled = time.monotonic()
            process.send_signal(signal.SIGTERM)
            returned = process.wait(timeout=30)
            took = time.monotonic() - signalled
        finally:
            if process.poll() is None:
                process.kill()
        assert process.stdout is not None and process.stderr is not None
        out, err = process.stdout.read(), process.stderr.read()
    assert returned == 143, err
    print(f"stopped {took:.2f} s after the signal")
    assert took < BOUND, f"the publish took {took:.1f} s to stop after the signal"
    document = json.loads(out)
    assert document["result"] == "interrupted" and document["error"].count("/versions") == 2
    # A cut create may still be processed (the sandbox sat on it, then read its body) or not
    # (cut before its body was sent: the sandbox aborts it). Wait, bounded, until the sandbox
    # settled both; the rerun then finds the ones made live and creates only the others.
    ends = time.monotonic() + 30
    while len(_create_requests(publisher)) < 2 and time.monotonic() < ends:
        time.sleep(0.05)
    assert len(_create_requests(publisher)) == 2, "the sandbox never settled the delayed creates"
    made = len(_created(publisher))
    sandbox.clear_journal()
    rerun = publisher("publish", "--json")
    assert rerun.code == 0, rerun.text
    assert len(_created(publisher)) == 2 - made, "a version the cut create made was created again"
    state = sandbox.state()
    for hosting in ("datacenter", "server"):
        assert list(versions(state, hosting)) == [BUILD] and BUILD in listings(state, hosting)


def _create_requests(publisher: Publisher) -> list[dict[str, object]]:
    """Every version create the sandbox settled, whatever its end (made, or aborted unread)."""
    return [
        e
        for e in publisher.sandbox.journal()
        if e["method"] == "POST" and str(e["path"]).endswith("/versions")
    ]


def _created(publisher: Publisher) -> list[dict[str, object]]:
    return [
        e
        for e in publisher.sandbox.journal()
        if e["method"] == "POST" and str(e["path"]).endswith("/versions") and e["status"] == 201
    ]
