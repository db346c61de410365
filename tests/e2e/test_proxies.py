"""HTTP_PROXY, HTTPS_PROXY and ALL_PROXY name a proxy for the network: a loopback API root (the
sandbox, a rehearsal) is never sent through it, so the Basic credentials never reach a proxy in
clear; a root on the network still goes through the proxy the environment names."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from publisher.marketplace.client import Marketplace
from publisher.marketplace.connection import Connection, Credentials
from publisher.marketplace.errors import TransportError
from tests.support.proxy import RecordingProxy, recording_proxy
from tests.support.publisher import Publisher

PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy")


@pytest.fixture
def proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[RecordingProxy]:
    """Every proxy variable names the recording proxy; nothing exempts loopback (no NO_PROXY)."""
    with recording_proxy() as proxy:
        for name in (*PROXY_VARIABLES, "all_proxy"):
            monkeypatch.setenv(name, proxy.url)
        for name in ("NO_PROXY", "no_proxy"):
            monkeypatch.delenv(name, raising=False)
        yield proxy


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_a_loopback_api_root_never_goes_through_the_proxy(
    publisher: Publisher, proxy: RecordingProxy, host: str
) -> None:
    root = publisher.sandbox.url.rstrip("/").replace("127.0.0.1", host)
    run = publisher("publish", "--json", MPAC_API_URL=root)
    assert run.code == 0, run.text
    assert proxy.received() == [], "a loopback request (and its credentials) reached the proxy"
    assert publisher.sandbox.journal(), "the sandbox answered the publish itself"


def test_a_network_api_root_still_goes_through_the_proxy(proxy: RecordingProxy) -> None:
    client = Marketplace(
        Connection(
            "https://marketplace.example.test", Credentials("vendor@example.com", "proxy-token-1")
        )
    )
    with pytest.raises(TransportError):
        client.app_software("com.example.timesheets", None)  # the proxy refuses the tunnel
    heads = proxy.received()
    assert heads and heads[0].startswith("CONNECT marketplace.example.test:443 "), heads
    assert all("proxy-token-1" not in h and "Authorization" not in h for h in heads)
