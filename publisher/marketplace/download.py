"""Downloading what Marketplace serves for an artifact (`_links.binary`): streamed, hashed while
read, capped at the artifact size limit, never held in memory, never sent to another host. A
`sink` (a temporary file: a zip needs seeking) receives the bytes when they must be read after."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import IO
from urllib.parse import urljoin, urlsplit

import requests

from publisher.marketplace.errors import (
    ApiRejectedError,
    DeadlineError,
    TransportError,
    UnexpectedAnswer,
    api_error,
)
from publisher.marketplace.session import Timeouts
from publisher.marketplace.transfer import Deadlines, Watchdog, read_body

MAX_ARTIFACT_BYTES = 250_000_000  # Marketplace's artifact limit: nothing larger was published
CHUNK = 1 << 16
MAX_REDIRECTS = 5


@dataclass(frozen=True)
class Served:
    """What Marketplace served: its size and digests (hex, with the `sha512:` form too)."""

    size: int
    sha512_hex: str
    sha256_hex: str

    @property
    def sha512(self) -> str:
        return f"sha512:{self.sha512_hex}"


def download_artifact(
    session: requests.Session,
    root: str,
    href: str,
    timeouts: Timeouts,
    deadlines: Deadlines,
    cap: int = MAX_ARTIFACT_BYTES,
    sink: IO[bytes] | None = None,
) -> Served:
    """GET `href` (relative to the API root, or absolute on its origin) and hash the bytes,
    writing them to `sink` too when given."""
    url = _on_origin(root, urljoin(root + "/", href))
    what = f"GET {urlsplit(url).path}"
    seconds = deadlines.request + cap / deadlines.upload_rate
    with Watchdog(seconds) as watchdog:
        try:
            return _fetch(session, url, what, timeouts, cap, sink)
        except TransportError as exc:
            if watchdog.fired:
                raise DeadlineError(what, f"no complete download within {seconds:.0f} s") from exc
            raise


def _fetch(
    session: requests.Session,
    url: str,
    what: str,
    timeouts: Timeouts,
    cap: int,
    sink: IO[bytes] | None,
) -> Served:
    for _ in range(MAX_REDIRECTS + 1):
        try:
            response = session.get(
                url, timeout=(timeouts.connect, timeouts.read), stream=True, allow_redirects=False
            )
        except requests.RequestException as exc:
            raise TransportError(
                what, f"the download failed ({type(exc).__name__})", maybe_processed=False
            ) from exc
        with response:
            if response.is_redirect:
                url = _on_origin(url, urljoin(url, response.headers.get("Location", "")))
                continue
            if response.status_code >= 400:
                raise api_error(what, response.status_code, read_body(response, what), None)
            return _hashed(response, what, cap, sink)
    raise TransportError(what, f"more than {MAX_REDIRECTS} redirects", maybe_processed=False)


def _hashed(response: requests.Response, what: str, cap: int, sink: IO[bytes] | None) -> Served:
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > cap:
        raise UnexpectedAnswer(f"a download of {declared} bytes (the limit is {cap})", what)
    sha512, sha256, size = hashlib.sha512(), hashlib.sha256(), 0
    try:
        for chunk in response.iter_content(CHUNK):
            size += len(chunk)
            if size > cap:
                raise UnexpectedAnswer(f"a download over {cap} bytes (the artifact limit)", what)
            sha512.update(chunk)
            sha256.update(chunk)
            if sink is not None:
                sink.write(chunk)
    except requests.RequestException as exc:
        raise TransportError(
            what, "the connection was closed before the whole download", maybe_processed=False
        ) from exc
    if declared.isdigit() and size != int(declared):
        raise TransportError(
            what, f"the download stopped at {size} of {declared} bytes", maybe_processed=False
        )
    return Served(size, sha512.hexdigest(), sha256.hexdigest())


def _on_origin(root: str, url: str) -> str:
    """The URL, if it is on the API root's scheme and host: credentials never go elsewhere."""
    if urlsplit(url)[:2] != urlsplit(root)[:2]:
        raise ApiRejectedError(
            f"GET {urlsplit(url).path}",
            302,
            (),
            advice=f"Marketplace pointed the download at {urlsplit(url).netloc}; mpac-publisher "
            "never sends your credentials to another host",
        )
    return url
