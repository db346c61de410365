"""Answers of the wrong shape end as "Marketplace answered something unexpected" (exit 8): never
a crash (exit 1), never blamed on release.yml (exit 3), never an empty document acted upon
(issue 10 #16, issue 15 #9)."""

from __future__ import annotations

from typing import Any

import pytest

from publisher.marketplace.answers import conform, parse
from publisher.marketplace.errors import UnexpectedAnswer
from tests.support.hostile import Answer, HostileServer, Rule
from tests.support.publisher import Publisher, Release

UNEXPECTED = "Marketplace answered something unexpected"
VERSION = r"^/rest/3/app-software/[^/]+/versions/2004000$"
LISTING = r"^/rest/3/app-software/[^/]+/versions/2004000/listing$"


def _failed_clearly(run: Any, *needles: str) -> None:
    assert run.code == 8, run.text
    assert UNEXPECTED in run.text and "unexpected error" not in run.text
    for needle in needles:
        assert needle in run.text


def _published_then_changed(via_proxy: Publisher, release: Release, proxy: HostileServer) -> None:
    """The version and listing exist; release.yml now changes the summary (an update)."""
    assert via_proxy().code == 0
    release.edit("summary: Faster timesheet export", "summary: Even faster export")
    proxy.shared.seen.clear()


def test_links_as_a_string_on_a_page_is_an_unexpected_answer(
    via_proxy: Publisher, proxy: HostileServer
) -> None:
    proxy.rewrite_json("GET", r"^/rest/3/parent-software\?", lambda p: {**p, "links": "next"})
    _failed_clearly(via_proxy(), "links is a string", "GET /rest/3/parent-software")


def test_a_list_for_the_product_listing_is_not_blamed_on_release_yml(
    via_proxy: Publisher, proxy: HostileServer
) -> None:
    proxy.rewrite_json("GET", r"^/rest/3/parent-software\?", lambda page: [page])
    run = via_proxy()
    _failed_clearly(run, "the answer is a list, expected an object")
    assert "unknown product" not in run.text


def test_json_nested_100k_deep_is_an_unexpected_answer(
    via_proxy: Publisher, proxy: HostileServer
) -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    proxy.add(Rule("GET", r"^/rest/3/parent-software\?", rewrite=lambda a: Answer(200, (), deep)))
    _failed_clearly(via_proxy(), "nested too deeply")


def test_a_deeply_nested_error_body_is_not_a_crash(
    via_proxy: Publisher, proxy: HostileServer
) -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    busy = Answer(503, (("Retry-After", "0"),), deep)
    proxy.add(Rule("GET", r"^/rest/3/parent-software\?", rewrite=lambda a: busy, times=1))
    run = via_proxy()
    assert run.code == 0, run.text  # the 503 was retried like any other
    assert "HTTP 503" in run.text


def test_an_answer_cut_off_mid_json_is_retried_not_refused(
    via_proxy: Publisher, proxy: HostileServer
) -> None:
    cut = Answer(200, (("Content-Type", "application/json"),), b'{"parentSoftware": [')
    proxy.add(Rule("GET", r"^/rest/3/parent-software\?", rewrite=lambda a: cut, times=1))
    run = via_proxy()
    assert run.code == 0, run.text
    assert "not complete JSON" in run.text  # announced as a retry


def test_framework_details_as_a_string_is_an_unexpected_answer(
    via_proxy: Publisher, release: Release, proxy: HostileServer
) -> None:
    _published_then_changed(via_proxy, release, proxy)
    proxy.rewrite_json("GET", VERSION, lambda v: {**v, "frameworkDetails": "plugin"})
    _failed_clearly(via_proxy(), "frameworkDetails is a string, expected an object")


def test_links_as_a_string_on_the_upload_answer_is_an_unexpected_answer(
    via_proxy: Publisher, proxy: HostileServer
) -> None:
    proxy.rewrite_json("POST", r"^/rest/3/artifacts$", lambda a: {**a, "_links": "self"})
    _failed_clearly(via_proxy(), "_links is a string", "artifact upload")


def test_a_listing_that_is_not_an_object_is_never_put_back(
    via_proxy: Publisher, release: Release, proxy: HostileServer
) -> None:
    _published_then_changed(via_proxy, release, proxy)
    proxy.rewrite_json("GET", LISTING, lambda listing: ["not", "a", "listing"])
    _failed_clearly(via_proxy(), "the answer is a list", "/listing")
    assert not [s for s in proxy.seen if s.method == "PUT"]


def test_an_empty_version_answer_is_not_an_empty_version(
    via_proxy: Publisher, release: Release, proxy: HostileServer
) -> None:
    _published_then_changed(via_proxy, release, proxy)
    proxy.add(Rule("GET", VERSION, rewrite=lambda a: Answer(200, (), b"")))
    _failed_clearly(via_proxy(), "the answer is nothing, expected an object")
    assert not [s for s in proxy.seen if s.method in ("PUT", "POST")]


def test_a_product_version_answered_for_another_number_is_refused(
    via_proxy: Publisher, proxy: HostileServer
) -> None:
    path = r"^/rest/3/parent-software/[^/]+/versions/number/9\.12\.0$"
    proxy.rewrite_json("GET", path, lambda v: {**v, "versionNumber": "9.13.0"})
    run = via_proxy()
    _failed_clearly(run, "versionNumber '9.13.0' for the product version 9.12.0")
    assert not [s for s in proxy.seen if s.method == "POST"]


def test_a_version_answered_for_another_build_is_refused(
    via_proxy: Publisher, release: Release, proxy: HostileServer
) -> None:
    _published_then_changed(via_proxy, release, proxy)
    proxy.rewrite_json("GET", VERSION, lambda v: {**v, "buildNumber": 2003000})
    _failed_clearly(via_proxy(), "buildNumber 2003000 for the version 2004000")
    assert not [s for s in proxy.seen if s.method in ("PUT", "POST")]


@pytest.mark.parametrize(
    ("retry_after", "date"),
    [
        ("Wed, 21 Oct 2026 07:28:00 -0000", "Wed, 21 Oct 2026 07:28:00 GMT"),
        ("Wed, 21 Oct 2026 07:28:00 GMT", "Wed, 21 Oct 2026 07:28:00 -0000"),
    ],
    ids=["Retry-After in -0000", "naive Date"],
)
def test_retry_after_dates_without_a_usable_zone_are_read_as_utc(
    via_proxy: Publisher, proxy: HostileServer, retry_after: str, date: str
) -> None:
    busy = Answer(503, (("Retry-After", retry_after), ("Date", date)), b"")
    proxy.add(Rule("GET", r"^/rest/3/parent-software\?", rewrite=lambda a: busy, times=1))
    run = via_proxy()
    assert run.code == 0, run.text
    assert "HTTP 503" in run.text  # the retry was announced, after a wait of 0 s


def test_a_wrong_type_deep_inside_names_its_field() -> None:
    shape = {"a": dict, "a.b": dict, "a.b.c": str}
    with pytest.raises(UnexpectedAnswer, match=r"a\.b\.c is an integer, expected a string \(X\)"):
        conform({"a": {"b": {"c": 1}}}, shape, "X")
    with pytest.raises(UnexpectedAnswer, match=r"nested more than 64 levels"):
        parse(b"[" * 100 + b"]" * 100, "X")
