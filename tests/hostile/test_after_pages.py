"""The pages the after-release commands act on are conformed to shapes like every other answer
(issue 20 #12): a wrongly typed entry ends as an unexpected answer (exit 8), never printed as a
Python repr and never counted as something it is not."""

from __future__ import annotations

from typing import Any

from tests.e2e.aftercare import call, document
from tests.e2e.test_yank import publish_next
from tests.support.hostile import HostileServer
from tests.support.publisher import Publisher

UNEXPECTED = "Marketplace answered something unexpected"
LISTINGS = r"^/rest/3/app-software/[^/]+/listings/all"
APPS = r"^/rest/3/product-listing/developer-space/"


def _typed(entries: list[dict[str, Any]], name: str, value: Any) -> list[dict[str, Any]]:
    return [{**e, name: value} for e in entries]


def test_an_object_app_key_is_an_unexpected_answer_not_a_repr(
    via_proxy: Publisher, proxy: HostileServer
) -> None:
    _, vendor_id = via_proxy.sandbox.developer_ids()
    proxy.rewrite_json(
        "GET", APPS, lambda p: {**p, "items": _typed(p["items"], "appKey", {"k": 1})}
    )
    run = call(via_proxy, "apps", "--json", MPAC_VENDOR_ID=str(vendor_id))
    found = document(run, "apps")
    assert run.code == 8, run.text
    assert UNEXPECTED in run.text
    assert "appKey is an object, expected a string" in found["error"]
    assert "{'k': 1}" not in run.text


def test_a_string_build_number_does_not_fool_the_only_public_check(
    via_proxy: Publisher, proxy: HostileServer
) -> None:
    """2004000 is the only public version; its listing entry says "2004000" (a string), which the
    check took for another build, so the dry run offered to hide the only public version."""
    assert via_proxy("publish").code == 0
    proxy.rewrite_json(
        "GET",
        LISTINGS,
        lambda p: {**p, "versions": _typed(p["versions"], "buildNumber", "2004000")},
    )
    run = call(via_proxy, "yank", str(via_proxy.release.path), "--json")
    found = document(run, "yank")
    assert run.code == 8, run.text
    assert "buildNumber is a string, expected an integer" in found["error"]
    assert found["result"] == "failed" and "would go PUBLIC -> PRIVATE" not in run.text


def test_listings_of_the_right_shape_still_allow_a_yank(
    via_proxy: Publisher, proxy: HostileServer
) -> None:
    assert via_proxy("publish").code == 0
    publish_next(via_proxy)
    run = call(via_proxy, "yank", str(via_proxy.release.path), "--build", "2004000", "--json")
    assert run.code == 0, run.text
    assert document(run, "yank")["result"] == "planned"
