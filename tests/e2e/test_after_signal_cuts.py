"""A signal while the commands after a release wait for a side-by-side round (status's hostings,
apps' lookups fed by its pages) cuts the requests in flight and ends within seconds, with the
command's own `interrupted` document, as a publish does (test_signal_cuts.py)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from publisher.sandbox import Fault, Sandbox, SandboxSettings
from tests.support.children import interruptible
from tests.support.publisher import Publisher, Release

SLOW = 8.0  # seconds the sandbox sits on each held request: far longer than the bound below
BOUND = 3.0  # seconds from the signal to the exit (the cut allows concurrency.GRACE = 2 s)
APPS = {
    "accounts": [
        {
            "email": "v@example.com",
            "token": "v-token",
            "apps": [
                {"key": "com.example.timesheets", "hosting": ["datacenter", "server"]},
                *(
                    {"key": f"com.example.app{i:02d}", "hosting": ["datacenter", "server"]}
                    for i in range(24)
                ),
            ],
        }
    ]
}


@pytest.fixture
def vendor(tmp_path: Path) -> Iterator[Publisher]:
    settings = SandboxSettings(upload_spacing=0.2, max_page_size=10)
    with Sandbox(settings=settings, seed=APPS) as sandbox:
        publisher = Publisher(sandbox, Release(tmp_path / "repo"), tmp_path / "state")
        publisher.release.edit("hosting: datacenter", "hosting: [datacenter, server]")
        assert publisher("publish").code == 0
        yield publisher


def _interrupted(publisher: Publisher, held: int, *argv: str) -> tuple[dict[str, object], float]:
    """Run the command, wait until the sandbox holds `held` requests (each consumed one armed
    fault), SIGINT it: its document and the seconds it took to end."""
    env = {**os.environ, **publisher.env, "MPAC_HTTP_TIMEOUT": "30"}
    with subprocess.Popen(
        [sys.executable, "-m", "publisher", *argv, "--json"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=interruptible,
    ) as process:
        try:
            ends = time.monotonic() + 30
            while publisher.sandbox.faults() and process.poll() is None:
                assert time.monotonic() < ends, f"the {held} requests never reached the sandbox"
                time.sleep(0.02)
            assert process.poll() is None, "the command ended before its requests were held"
            signalled = time.monotonic()
            process.send_signal(signal.SIGINT)
            returned = process.wait(timeout=30)
            took = time.monotonic() - signalled
        finally:
            if process.poll() is None:
                process.kill()
        out, err = process.communicate()
    assert returned == 130, err
    return json.loads(out), took


def test_a_signal_while_status_reads_its_hostings_cuts_them_within_3_s(
    vendor: Publisher,
) -> None:
    versions = "/rest/3/app-software/*/versions"
    vendor.sandbox.add_fault(Fault("GET", versions, action="delay", seconds=SLOW, times=2))
    found, took = _interrupted(vendor, 2, "status", "com.example.timesheets")
    assert took < BOUND, f"status took {took:.1f} s to stop after the signal"
    assert found["result"] == "interrupted" and found["exit_code"] == 130


def test_a_signal_while_apps_looks_up_its_apps_cuts_them_within_3_s(vendor: Publisher) -> None:
    developer_id, _ = vendor.sandbox.developer_ids()
    vendor.env["MPAC_DEVELOPER_ID"] = developer_id
    lookups = "/rest/3/app-software/app-key/*"
    vendor.sandbox.add_fault(Fault("GET", lookups, action="delay", seconds=SLOW, times=10))
    found, took = _interrupted(vendor, 10, "apps", "--hosting", "server")
    assert took < BOUND, f"apps took {took:.1f} s to stop after the signal"
    assert found["result"] == "interrupted" and found["exit_code"] == 130
