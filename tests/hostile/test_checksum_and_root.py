"""Marketplace's artifact checksum is compared in any sha512 spelling, and warned about when it is
missing (issue 15 #6); the retired marketplace.atlassian.com root is refused up front (15 #7)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import pytest

from publisher.errors import UsageError
from publisher.marketplace.connection import DEFAULT_API_URL, api_root
from publisher.publish.compare import same_sha512
from tests.support.hostile import HostileServer
from tests.support.publisher import Publisher, Release

ARTIFACTS = r"^/rest/3/artifacts$"


def _with_checksum(proxy: HostileServer, spell: Callable[[str], str | None]) -> None:
    """The upload answer reports its checksum as spell(<hex digest>); None drops the field."""

    def change(answer: dict[str, Any]) -> dict[str, Any]:
        info = dict(answer["fileInfo"])
        digest = info.pop("checksum").split(":", 1)[1]
        spelt = spell(digest)
        return {**answer, "fileInfo": info if spelt is None else {**info, "checksum": spelt}}

    proxy.rewrite_json("POST", ARTIFACTS, change)


@pytest.mark.parametrize(
    "spell",
    [lambda h: "SHA512:" + h.upper(), lambda h: "sha512=" + h, lambda h: h.upper()],
    ids=["upper case", "sha512=", "bare hex"],
)
def test_another_spelling_of_the_same_sha512_is_accepted(
    via_proxy: Publisher, proxy: HostileServer, spell: Callable[[str], str]
) -> None:
    _with_checksum(proxy, spell)
    run = via_proxy()
    assert run.code == 0, run.text
    assert [s.path for s in proxy.seen if s.method == "POST"].count("/rest/3/artifacts") == 1


@pytest.mark.parametrize(
    "spell", [lambda h: None, lambda h: "md5:" + h[:32]], ids=["absent", "another algorithm"]
)
def test_no_comparable_checksum_warns_and_relies_on_key_and_version(
    via_proxy: Publisher, proxy: HostileServer, spell: Callable[[str], str | None]
) -> None:
    _with_checksum(proxy, spell)
    run = via_proxy()
    assert run.code == 0, run.text
    assert "relying on the plugin key and version it read" in run.text


def test_a_different_sha512_is_still_a_corrupted_upload(
    via_proxy: Publisher, proxy: HostileServer
) -> None:
    _with_checksum(proxy, lambda h: "sha512:" + hashlib.sha512(b"other").hexdigest())
    run = via_proxy()
    assert run.code == 6, run.text
    assert "the upload was corrupted" in run.text


def test_a_reused_artifact_matches_in_any_spelling(
    via_proxy: Publisher, release: Release, proxy: HostileServer
) -> None:
    assert via_proxy().code == 0
    release.edit("summary: Faster timesheet export", "summary: Even faster export")
    proxy.rewrite_json(
        "GET",
        r"^/rest/3/artifacts/[^/]+$",
        lambda a: {**a, "fileInfo": {**a["fileInfo"], "checksum": a["fileInfo"]["checksum"][7:]}},
    )
    proxy.shared.seen.clear()
    run = via_proxy()
    assert run.code == 0, run.text
    assert not [s for s in proxy.seen if s.path == "/rest/3/artifacts"], "uploaded again"


def test_same_sha512_reads_only_sha512() -> None:
    ours = "sha512:" + "ab" * 64
    assert same_sha512("SHA-512: " + "AB" * 64, ours) is True
    assert same_sha512("sha256:" + "ab" * 32, ours) is None
    assert same_sha512("sha512:" + "ab" * 63, ours) is None  # truncated: not a digest
    assert same_sha512("sha512:" + "cd" * 64, ours) is False


@pytest.mark.parametrize(
    "url",
    ["https://marketplace.atlassian.com", "https://Marketplace.Atlassian.COM/"],
)
def test_the_old_marketplace_host_is_refused_with_the_right_root(url: str) -> None:
    with pytest.raises(UsageError) as refused:
        api_root(url, {})
    assert DEFAULT_API_URL in str(refused.value)


def test_the_old_marketplace_host_ends_with_exit_2(publisher: Publisher) -> None:
    run = publisher(MPAC_API_URL="https://marketplace.atlassian.com")
    assert run.code == 2, run.text
    assert "https://api.atlassian.com/marketplace" in run.text
