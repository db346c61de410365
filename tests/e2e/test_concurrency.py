"""Requests that need nothing of each other are sent side by side, and doing so keeps the rules:
every call is waited for, the first failure in release.yml's order is the one reported."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from publisher.concurrency import side_by_side
from publisher.sandbox import Fault
from tests.e2e.conftest import Publisher

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


def test_listing_images_are_uploaded_beside_the_artifact(publisher: Publisher) -> None:
    # The images are held on the server: the artifact upload must start while they are.
    publisher.sandbox.add_fault(
        Fault("POST", "/rest/3/assets/images/*", "delay", seconds=HOLD, times=6)
    )
    assert publisher().code == 0
    (artifact,) = _calls(publisher, "POST", "/rest/3/artifacts")
    images = _calls(publisher, "POST", "/rest/3/assets/images/*")
    assert len(images) == 6
    assert any(_overlap(artifact, image) for image in images), "the artifact waited for images"
    assert sum(_overlap(a, b) for a in images for b in images if a is not b) > 0, "one at a time"


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
