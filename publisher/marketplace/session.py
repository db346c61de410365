"""The one HTTP session the client uses: Basic auth, a user agent, no hidden urllib3 retries (the
retry policy is retry.py's alone), pools whose connections answer to each request's
deadline (transfer.py), room for the requests a publish sends side by side, request
bodies sent in large blocks, and no proxy for an API root on this machine."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests
from requests.adapters import HTTPAdapter

from publisher import __version__
from publisher.concurrency import LIMIT
from publisher.marketplace.connection import Connection, is_loopback_url
from publisher.marketplace.transfer import watch_pools

UPLOAD_BLOCK = 1 << 18
POOL_SIZE = 4 * LIMIT  # kept open: side-by-side calls, their `started` companions, the prewarm


@dataclass(frozen=True)
class Timeouts:
    connect: float = 10.0
    read: float = 60.0
    upload_read: float = 300.0  # Marketplace inspects the artifact before it answers


def make_session(connection: Connection) -> requests.Session:
    """The one session factory: auth, user agent, and no hidden urllib3 retries."""
    session = _Session()
    if connection.credentials:
        session.auth = (connection.credentials.user, connection.credentials.token)
    session.headers["User-Agent"] = f"mpac-publisher/{__version__}"
    session.headers["Accept"] = "application/json"
    adapter = _Adapter(max_retries=0, pool_maxsize=POOL_SIZE)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


class _Session(requests.Session):
    """Never sends a loopback URL through a proxy: HTTP_PROXY/HTTPS_PROXY/ALL_PROXY name a proxy
    for the network, and a loopback request through it would hand the Basic credentials (in clear,
    over http) to the proxy, which cannot reach our loopback anyway. NO_PROXY is not needed."""

    def merge_environment_settings(self, url: Any, *args: Any, **kwargs: Any) -> Any:
        settings = super().merge_environment_settings(url, *args, **kwargs)
        if is_loopback_url(str(url)):
            settings["proxies"] = {}
        return settings


class _Adapter(HTTPAdapter):
    """Sends request bodies in 256 KiB blocks (urllib3's default 16 KiB costs ~40% of upload
    throughput in Python overhead on a fast link)."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("blocksize", UPLOAD_BLOCK)
        super().init_poolmanager(*args, **kwargs)
        watch_pools(self.poolmanager)  # every connection answers to the request's deadline

    def proxy_manager_for(self, *args: Any, **kwargs: Any) -> Any:
        return watch_pools(super().proxy_manager_for(*args, **kwargs))
