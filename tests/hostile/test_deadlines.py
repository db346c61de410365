"""A request has a total deadline (a trickling server cannot hold it), the run has one too, and an
answer is read streamed and refused past 8 MB instead of filling memory (issue 10 #14, #15)."""

from __future__ import annotations

import tracemalloc
import zlib
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from publisher.marketplace.client import Marketplace
from publisher.marketplace.connection import Connection, Credentials
from publisher.marketplace.errors import DeadlineError
from publisher.marketplace.transfer import MAX_ANSWER_BYTES, Deadlines
from tests.support.hostile import Answer, HostileServer, Rule, capture_server
from tests.support.publisher import Publisher, Run

BOUND = 60.0  # seconds a run may take before the test calls it stuck (never reached when fixed)
PARENTS = r"^/rest/3/parent-software\?"


def _run_bounded(publisher: Publisher, **env: str) -> Run:
    """Run the CLI on a thread so that a run that never ends fails the test instead of hanging."""
    pool = ThreadPoolExecutor(1)
    future = pool.submit(publisher, **env)
    try:
        return future.result(timeout=BOUND)
    except TimeoutError:
        pytest.fail(f"the publish was still running after {BOUND} s")
    finally:
        pool.shutdown(wait=False)  # a stuck run is released when the proxy stops


def _run_with_peak_memory(publisher: Publisher) -> tuple[Run, int]:
    """A bounded run, and the most memory Python held at once during it."""
    tracemalloc.start()
    try:
        return _run_bounded(publisher), tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("head", [False, True], ids=["body", "status line and headers"])
def test_a_trickled_answer_is_abandoned_at_the_request_deadline(
    via_proxy: Publisher, proxy: HostileServer, head: bool
) -> None:
    # One byte every 0.3 s: each read is well within the 5 s read timeout, so only a total
    # deadline can end it (the parent-software answer is kilobytes: hours of trickling).
    proxy.add(Rule("GET", PARENTS, trickle=0.3, trickle_head=head))
    try:
        run = _run_bounded(via_proxy, MPAC_REQUEST_DEADLINE="2", MPAC_HTTP_TIMEOUT="5")
    finally:
        proxy.shared.stop.set()  # a stuck client (unfixed code) is released for teardown
    assert run.code == 8, run.text
    assert "GET /rest/3/parent-software abandoned: no complete answer within 2 s" in run.text
    assert "MPAC_REQUEST_DEADLINE" in run.text


def test_the_run_deadline_bounds_every_request_together(
    via_proxy: Publisher, proxy: HostileServer
) -> None:
    proxy.add(Rule("GET", PARENTS, trickle=0.3))
    try:
        run = _run_bounded(
            via_proxy, MPAC_REQUEST_DEADLINE="600", MPAC_RUN_DEADLINE="2", MPAC_HTTP_TIMEOUT="5"
        )
    finally:
        proxy.shared.stop.set()
    assert run.code == 8, run.text
    assert "abandoned" in run.text


def test_no_request_starts_after_the_run_deadline() -> None:
    now = [100.0]
    with capture_server({"id": "x"}) as server:
        client = Marketplace(
            Connection(server.url, Credentials("a@b.c", "secret-token-1")),
            deadlines=Deadlines(run=10.0),
            clock=lambda: now[0],
        )
        assert client.get_artifact("x") is not None
        now[0] += 10.5
        with pytest.raises(DeadlineError, match="the run took longer than 10 s"):
            client.get_artifact("y")
        assert len(server.seen) == 1


@pytest.mark.parametrize("value", ["abc", "0", "-5", "inf"])
def test_a_bad_deadline_setting_is_a_usage_error(publisher: Publisher, value: str) -> None:
    run = publisher(MPAC_REQUEST_DEADLINE=value)
    assert run.code == 2, run.text
    assert "MPAC_REQUEST_DEADLINE must be a positive number of seconds" in run.text


@pytest.mark.parametrize("claimed", [None, 1 << 30], ids=["endless", "claims 1 GB"])
def test_a_huge_answer_is_refused_without_filling_memory(
    via_proxy: Publisher, proxy: HostileServer, claimed: Any
) -> None:
    proxy.add(Rule("GET", PARENTS, endless=True, claimed=claimed))
    try:
        run, peak = _run_with_peak_memory(via_proxy)
    finally:
        proxy.shared.stop.set()
    assert run.code == 8, run.text
    assert "Marketplace answered something unexpected: an answer" in run.text
    assert f"the limit is {MAX_ANSWER_BYTES}" in run.text or "larger than" in run.text
    assert peak < 3 * MAX_ANSWER_BYTES, f"{peak} bytes allocated for one refused answer"


def test_a_compressed_answer_is_capped_by_its_decoded_size(
    via_proxy: Publisher, proxy: HostileServer
) -> None:
    packer = zlib.compressobj(6, zlib.DEFLATED, 31)  # gzip: 100 MB of spaces in ~100 KB
    bomb = b"".join(packer.compress(b" " * (1 << 20)) for _ in range(100)) + packer.flush()
    headers = (("Content-Type", "application/json"), ("Content-Encoding", "gzip"))
    proxy.add(Rule("GET", PARENTS, rewrite=lambda a: Answer(200, headers, bomb)))
    run, peak = _run_with_peak_memory(via_proxy)
    assert run.code == 8, run.text
    assert f"an answer larger than {MAX_ANSWER_BYTES} bytes" in run.text
    assert peak < 3 * MAX_ANSWER_BYTES, f"{peak} bytes allocated for one refused answer"
