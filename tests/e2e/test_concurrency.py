"""Requests that need nothing of each other are sent side by side, and doing so keeps the rules:
every call is waited for, the first failure in release.yml's order is the one reported."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from publisher.concurrency import side_by_side
from publisher.sandbox import Fault, Sandbox
from tests.e2e.conftest import Publisher
from tests.support.hostile import Rule, hostile_proxy

HOLD = 1.0  # seconds the sandbox holds the chosen answers: far longer than starting a thread


def _calls(publisher: Publisher, method: str, pattern: str) -> list[dict[str, Any]]:
    import fnmatch

    return [
        e
        for e in publisher.sandbox.journal()
        if e["method"] == method and fnmatch.fnmatchcase(e["path"], pattern)
    ]


def _overlap(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return bool(a["started"] < b["finished"] and b["started"] < a["finished"])


def test_the_app_software_lookup_and_the_product_list_are_read_side_by_side(
    publisher: Publisher,
) -> None:
    sandbox = publisher.sandbox
    sandbox.add_fault(Fault("GET", "/rest/3/app-software/app-key/*", "delay", seconds=HOLD))
    sandbox.add_fault(Fault("GET", "/rest/3/parent-software", "delay", seconds=HOLD))
    assert publisher().code == 0
    (lookup,) = _calls(publisher, "GET", "/rest/3/app-software/app-key/*")
    (products,) = _calls(publisher, "GET", "/rest/3/parent-software")
    assert _overlap(lookup, products), (lookup, products)


def test_listing_images_are_uploaded_beside_the_artifact(
    publisher: Publisher, sandbox: Sandbox
) -> None:
    # A proxy holds every image upload until the artifact upload arrives: a client that sends
    # the artifact only after its images would leave them held until the proxy gives up.
    released = threading.Event()
    with hostile_proxy(sandbox.url) as proxy:
        images = proxy.add(Rule("POST", r"^/rest/3/assets/images/", hold=released))
        artifact = proxy.add(Rule("POST", r"^/rest/3/artifacts$", hold=released, barrier=1))
        publisher.env["MPAC_API_URL"] = proxy.url
        run = publisher()
    assert run.code == 0, run.text
    assert images.used == 6 and artifact.used == 1
    assert not images.gave_up, "the images were held until the proxy gave up: no artifact came"


def test_two_hostings_write_their_versions_side_by_side(publisher: Publisher) -> None:
    publisher.release.edit("hosting: datacenter", "hosting: [datacenter, server]")
    publisher.sandbox.add_fault(
        Fault("POST", "/rest/3/app-software/*/versions", "delay", seconds=HOLD, times=2)
    )
    run = publisher()
    assert run.code == 0, run.text
    first, second = _calls(publisher, "POST", "/rest/3/app-software/*/versions")
    assert _overlap(first, second)


def test_side_by_side_waits_for_every_call_and_raises_the_first_failure_in_order() -> None:
    release = threading.Event()
    finished: list[str] = []

    def slow_failure() -> None:
        release.wait(timeout=10)
        finished.append("slow")
        raise LookupError("first in order")

    def fast_failure() -> None:
        release.set()
        finished.append("fast")
        raise ValueError("second in order, first to fail")

    def fine() -> str:
        finished.append("fine")
        return "ok"

    with pytest.raises(LookupError, match="first in order"):
        side_by_side([slow_failure, fast_failure, fine])
    assert sorted(finished) == ["fast", "fine", "slow"]
    assert side_by_side([lambda: 1, lambda: "two"]) == [1, "two"]
