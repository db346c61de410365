"""A yank, compat bump or promote that changed one hosting and then failed on the next, or was
stopped by a signal, says per hosting what was done in every exit (issue 20 #3): exit 7 when a
write went through first, the `interrupted` document (130/143) with the hosting already done,
and the same record in the text, `--json` and the job summary. A re-run finishes the rest."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from publisher.sandbox import Fault
from tests.e2e.aftercare import call, document
from tests.e2e.test_promote import staged
from tests.e2e.test_yank import publish_next
from tests.support.children import interruptible
from tests.support.hostile import Rule, hostile_proxy
from tests.support.publisher import Publisher, Run, app_software_id, github_env, listings, versions

TWO = "hosting: [datacenter, server]"


def _superseded_on_both(publisher: Publisher) -> None:
    """2.4.0 and 2.5.0 public on datacenter and server: 2.4.0 may be hidden on each."""
    publisher.release.edit("hosting: datacenter", TWO)
    assert publisher("publish").code == 0
    publish_next(publisher)


def _by_hosting(found: dict[str, object]) -> dict[str, str]:
    hostings = found["hostings"]
    assert isinstance(hostings, list)
    return {h["hosting"]: h["action"] for h in hostings}


def test_a_yank_failing_on_the_second_hosting_is_partial_and_names_the_first(
    publisher: Publisher,
) -> None:
    _superseded_on_both(publisher)
    server = app_software_id(publisher.sandbox.state(), "server")
    listing = f"/rest/3/app-software/{server}/versions/2004000/listing"
    publisher.sandbox.add_fault(Fault(method="PUT", path=listing, status=503, times=None))
    config = str(publisher.release.path)
    run = call(publisher, "yank", config, "--build", "2004000", "--execute", "--json")
    found = document(run, "yank")
    assert run.code == 7, run.text
    assert found["result"] == "partial"
    assert _by_hosting(found) == {"datacenter": "hidden", "server": "failed"}
    assert found["error"].startswith("datacenter: hidden; then ")
    assert "re-run" in found["advice"]
    assert listings(publisher.sandbox.state(), "datacenter")[2004000]["state"] == "PRIVATE"
    assert listings(publisher.sandbox.state(), "server")[2004000]["state"] == "PUBLIC"
    publisher.sandbox.clear_faults()
    rerun = call(publisher, "yank", config, "--build", "2004000", "--execute", "--json")
    assert rerun.code == 0, rerun.text
    assert _by_hosting(document(rerun, "yank")) == {
        "datacenter": "already-private",
        "server": "hidden",
    }


def test_a_failure_on_the_first_hosting_is_no_partial_and_names_the_hosting_not_reached(
    publisher: Publisher,
) -> None:
    _superseded_on_both(publisher)
    app_id = app_software_id(publisher.sandbox.state(), "datacenter")
    listing = f"/rest/3/app-software/{app_id}/versions/2004000/listing"
    publisher.sandbox.add_fault(Fault(method="PUT", path=listing, status=503, times=None))
    run = call(
        publisher, "yank", str(publisher.release.path), "--build", "2004000", "--execute", "--json"
    )
    found = document(run, "yank")
    assert run.code == 8, run.text  # nothing was written: Marketplace unavailable, as before
    assert found["result"] == "failed"
    assert _by_hosting(found) == {"datacenter": "failed", "server": "not-reached"}
    assert found["error"].endswith("(not reached: server)")
    assert listings(publisher.sandbox.state(), "server")[2004000]["state"] == "PUBLIC"


def test_a_write_whose_outcome_stayed_unknown_counts_as_done(publisher: Publisher) -> None:
    """server's PUT is answered by a dropped connection, and its re-read fails: that hosting's
    step is `unknown`, and only that write stands: still partial (exit 7), as publish counts it."""
    _superseded_on_both(publisher)
    app_id = app_software_id(publisher.sandbox.state(), "server")
    listing = f"/rest/3/app-software/{app_id}/versions/2004000/listing"
    publisher.sandbox.add_fault(
        Fault(method="PUT", path=listing, action="drop_response", times=None)
    )
    publisher.sandbox.add_fault(Fault(method="GET", path=listing, status=503, skip=1, times=None))
    run = call(
        publisher, "yank", str(publisher.release.path), "--build", "2004000", "--execute", "--json"
    )
    found = document(run, "yank")
    assert run.code == 7, run.text
    assert _by_hosting(found) == {"datacenter": "hidden", "server": "unknown"}
    assert found["error"].startswith("datacenter: hidden; server: unknown; then ")


def test_the_partial_yank_says_it_in_the_text_and_the_job_summary(
    publisher: Publisher, tmp_path: Path
) -> None:
    _superseded_on_both(publisher)
    server = app_software_id(publisher.sandbox.state(), "server")
    listing = f"/rest/3/app-software/{server}/versions/2004000/listing"
    publisher.sandbox.add_fault(Fault(method="PUT", path=listing, status=503, times=None))
    env = github_env(publisher.release, tmp_path)
    run = call(
        publisher, "yank", str(publisher.release.path), "--build", "2004000", "--execute", **env
    )
    assert run.code == 7, run.text
    assert "datacenter: hidden; then " in run.text
    summary = Path(env["GITHUB_STEP_SUMMARY"]).read_text()
    assert "datacenter: hidden; then " in summary
    assert (
        "| datacenter | PRIVATE | hidden |" in summary and "| server | PUBLIC | failed |" in summary
    )
    assert "exit code 7" in summary


def test_a_bump_failing_on_the_second_hosting_is_partial_and_names_the_first(
    publisher: Publisher,
) -> None:
    publisher.release.edit("hosting: datacenter", TWO)
    assert publisher("publish").code == 0
    server = app_software_id(publisher.sandbox.state(), "server")
    put = f"/rest/3/app-software/{server}/versions/2004000"
    publisher.sandbox.add_fault(Fault(method="PUT", path=put, status=503, times=None))
    publisher.sandbox.add_parent_version("jira", 1008000, "10.8.0", ["datacenter", "server"])
    config = str(publisher.release.path)
    run = call(publisher, "compat", "bump", config, "--to", "10.8.0", "--json")
    found = document(run, "compat-bump")
    assert run.code == 7, run.text
    assert found["result"] == "partial"
    assert _by_hosting(found) == {"datacenter": "raised", "server": "failed"}
    assert found["error"].startswith("datacenter: raised; then ")
    state = publisher.sandbox.state()
    highs = {
        h: versions(state, h)[2004000]["compatibilities"][0]["maxBuildNumber"]
        for h in ("datacenter", "server")
    }
    assert highs == {"datacenter": 1008000, "server": 1003000}


def _spawn(publisher: Publisher, api_url: str, *args: str) -> subprocess.Popen[str]:
    """`mpac-publisher ARGS release.yml --json` as a child process, SIGINT at its default."""
    env = {**os.environ, **publisher.env, "MPAC_API_URL": api_url, "MPAC_HTTP_TIMEOUT": "30"}
    argv = [sys.executable, "-m", "publisher", *args, str(publisher.release.path), "--json"]
    return subprocess.Popen(
        argv,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        preexec_fn=interruptible,
    )


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_during_the_second_hosting_keeps_the_first_in_the_document(
    publisher: Publisher, signum: int, code: int
) -> None:
    _superseded_on_both(publisher)
    server = app_software_id(publisher.sandbox.state(), "server")
    release = threading.Event()
    with hostile_proxy(publisher.sandbox.url) as proxy:
        held = proxy.add(Rule("PUT", rf"^/rest/3/app-software/{server}/versions/2004000/listing$"))
        held.hold = release
        yank = ("yank", "--build", "2004000", "--execute")
        found = _interrupted(_spawn(publisher, proxy.url, *yank), held, release, signum, "yank")
    assert found["exit_code"] == code and found["result"] == "interrupted"
    assert _by_hosting(found) == {"datacenter": "hidden", "server": "interrupted"}
    assert "after datacenter: hidden" in found["error"]


def test_a_signal_during_the_second_hostings_promote_keeps_the_first_in_the_document(
    publisher: Publisher, tmp_path: Path
) -> None:
    publisher.release.edit("hosting: datacenter", TWO)
    receipt = staged(publisher, tmp_path)
    server = app_software_id(publisher.sandbox.state(), "server")
    release = threading.Event()
    with hostile_proxy(publisher.sandbox.url) as proxy:
        held = proxy.add(Rule("PUT", rf"^/rest/3/app-software/{server}/versions/2004000/listing$"))
        held.hold = release
        promote = ("promote", "--receipt", str(receipt), "--execute")
        found = _interrupted(
            _spawn(publisher, proxy.url, *promote), held, release, signal.SIGINT, "promote"
        )
    assert found["exit_code"] == 130 and found["result"] == "interrupted"
    assert _by_hosting(found) == {"datacenter": "promoted", "server": "interrupted"}
    assert "after datacenter: promoted" in found["error"]


def test_a_signal_before_any_write_is_the_commands_own_interrupted_document(
    publisher: Publisher,
) -> None:
    assert publisher("publish").code == 0
    release = threading.Event()
    with hostile_proxy(publisher.sandbox.url) as proxy:
        held = proxy.add(Rule("GET", r"^/rest/3/app-software/app-key/"))
        held.hold = release
        process = _spawn(publisher, proxy.url, "status")
        found = _interrupted(process, held, release, signal.SIGINT, "status")
    assert found["exit_code"] == 130 and found["result"] == "interrupted"
    assert found["command"] == "status" and "SIGINT" in found["error"]


def _interrupted(
    process: subprocess.Popen[str], held: Rule, release: threading.Event, signum: int, name: str
) -> dict[str, Any]:
    """Signal the child once the proxy holds its request; its --json document, schema-checked."""
    with process:
        try:
            deadline = time.monotonic() + 30
            while held.used == 0 and process.poll() is None and time.monotonic() < deadline:
                time.sleep(0.02)  # bounded: waits on the proxy's record of the held request
            assert held.used == 1, "the request never reached the proxy"
            process.send_signal(signum)
            code = process.wait(timeout=30)
        finally:
            release.set()
            if process.poll() is None:
                process.kill()
        assert process.stdout is not None
        return document(Run(code, process.stdout.read(), ""), name)
