"""Requests that need nothing of each other are sent side by side, and doing so keeps the rules:
every call is waited for, the first failure in release.yml's order is the one reported."""

from __future__ import annotations

import re
import threading

import pytest

from publisher.concurrency import LIMIT, side_by_side
from publisher.marketplace.client import Marketplace
from publisher.marketplace.prewarm import PUBLISH_CONNECTIONS
from publisher.sandbox import Sandbox
from tests.support.hostile import HostileServer, Rule, hostile_proxy
from tests.support.publisher import Publisher


def _asked(proxy: HostileServer, method: str, prefix: str) -> list[str]:
    return [s.path for s in proxy.seen if s.method == method and s.path.startswith(prefix)]


def test_the_app_software_lookup_and_the_product_list_are_read_side_by_side(
    publisher: Publisher, sandbox: Sandbox
) -> None:
    # Both are held at a proxy until both have been asked for: one at a time, the first would
    # time out and be asked again.
    both = threading.Event()
    reads = r"^/rest/3/(app-software/app-key/|parent-software(\?|$))"
    with hostile_proxy(sandbox.url) as proxy:
        held = proxy.add(Rule("GET", reads, hold=both, barrier=2, times=2))
        publisher.env["MPAC_API_URL"] = proxy.url
        run = publisher()
        lookups = _asked(proxy, "GET", "/rest/3/app-software/app-key/")
        lists = [p for p in _asked(proxy, "GET", "/rest/3/parent-software") if "/versions" not in p]
    assert run.code == 0, run.text
    assert held.used == 2 and not held.gave_up
    assert len(lookups) == 1 and len(lists) == 1, "one was asked again: they went one at a time"


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
        sent = _asked(proxy, "POST", "/rest/3/assets/images/")
    assert run.code == 0, run.text
    assert images.used == 6 and artifact.used == 1 and not images.gave_up
    assert len(sent) == 6, "an image timed out waiting for the artifact: images went first"


def test_two_hostings_write_their_versions_side_by_side(
    publisher: Publisher, sandbox: Sandbox
) -> None:
    publisher.release.edit("hosting: datacenter", "hosting: [datacenter, server]")
    # Each create is held at a proxy until both have arrived.
    both = threading.Event()
    with hostile_proxy(sandbox.url) as proxy:
        creates = proxy.add(
            Rule("POST", r"^/rest/3/app-software/[^/]+/versions$", hold=both, barrier=2, times=2)
        )
        publisher.env["MPAC_API_URL"] = proxy.url
        run = publisher()
        posted = [seen.path for seen in proxy.seen if seen.method == "POST"]
    assert run.code == 0, run.text
    assert creates.used == 2 and not creates.gave_up
    created = [p for p in posted if re.fullmatch(r"/rest/3/app-software/[^/]+/versions", p)]
    assert len(created) == len(set(created)) == 2, "a create was sent again: one at a time"


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


def test_a_listing_created_beside_the_version_read_back_is_shown_after_the_version(
    publisher: Publisher, sandbox: Sandbox
) -> None:
    # The new version's read-back is held at a proxy until its listing has been created, so the
    # listing finishes first; the output still tells the story in order: version, then listing.
    version = r"^/rest/3/app-software/[^/]+/versions/2004000$"
    created = threading.Event()
    with hostile_proxy(sandbox.url) as proxy:
        proxy.add(Rule("GET", version, times=1))  # the plan's read: not held
        read_back = proxy.add(Rule("GET", version, hold=created, times=1))
        proxy.add(Rule("POST", r"/versions/2004000/listing$", hold=created, barrier=1, times=1))
        publisher.env["MPAC_API_URL"] = proxy.url
        run = publisher()
    assert run.code == 0, run.text
    assert read_back.used == 1 and not read_back.gave_up
    lines = run.text.splitlines()
    version_line = next(i for i, x in enumerate(lines) if "datacenter version 2.4.0: created" in x)
    listing_line = next(i for i, x in enumerate(lines) if "datacenter listing: created" in x)
    assert version_line < listing_line, run.text


def test_a_publish_opens_its_connections_before_its_first_request_and_closes_them(
    publisher: Publisher, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[str, int]] = []
    warm_up, close = Marketplace.warm_up, Marketplace.close

    def recording_warm_up(
        self: Marketplace, count: int = PUBLISH_CONNECTIONS
    ) -> threading.Thread | None:
        calls.append(("warm_up", self.requests_made))
        assert count == LIMIT + 1, "the images side by side and the artifact beside them"
        return warm_up(self, count)

    def recording_close(self: Marketplace) -> None:
        calls.append(("close", self.requests_made))
        close(self)

    monkeypatch.setattr(Marketplace, "warm_up", recording_warm_up)
    monkeypatch.setattr(Marketplace, "close", recording_close)
    run = publisher()
    assert run.code == 0, run.text
    assert [name for name, _ in calls] == ["warm_up", "close"]
    assert calls[0][1] == 0 and calls[1][1] > 0
