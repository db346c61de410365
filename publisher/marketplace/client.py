"""The only module that speaks HTTP to Marketplace: one session, Basic auth, v3 paths, errors.

No retries happen here (that is the single policy of retry.py); every failure is raised as a
typed error that says whether the request may have been processed, so a write is never blindly
repeated.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from typing import IO, Any
from urllib.parse import quote, urljoin, urlsplit

import requests

from publisher.concurrency import register_cut
from publisher.marketplace import answers
from publisher.marketplace.answers import Json, conform, document, items, parse
from publisher.marketplace.connection import Connection
from publisher.marketplace.download import Served, download_artifact
from publisher.marketplace.errors import (
    ApiRejectedError,
    CutError,
    DeadlineError,
    TransportError,
    UnexpectedAnswer,
    api_error,
    transport_error,
    wire_errors,
)
from publisher.marketplace.multipart import Readable, file_part
from publisher.marketplace.once import ReadOnce
from publisher.marketplace.paging import cursor_pages
from publisher.marketplace.prewarm import PUBLISH_CONNECTIONS, prewarm
from publisher.marketplace.retry_after import retry_after_seconds
from publisher.marketplace.session import Timeouts, make_session
from publisher.marketplace.transfer import Deadlines, InFlight, read_body

MAX_REDIRECTS = 5


class Marketplace:
    """Typed calls to the v3 endpoints the publisher uses."""

    def __init__(
        self,
        connection: Connection,
        session: requests.Session | None = None,
        timeouts: Timeouts | None = None,
        deadlines: Deadlines | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.root = connection.api_url
        self.account = connection.credentials.user if connection.credentials else None
        self.session = session or make_session(connection)
        self.timeouts = timeouts or Timeouts()
        self.deadlines = deadlines or Deadlines()
        self.clock = clock
        self.run_ends = clock() + self.deadlines.run
        self.requests_made = 0
        self._counting = threading.Lock()
        self.in_flight = InFlight()  # cut all at once on a signal (publisher.concurrency)
        register_cut(self.in_flight)
        self.once: ReadOnce | None = None  # reads remembered for the run (once.py), when asked

    def remember_reads(self) -> None:
        """From now on each read is sent once (a write forgets them all): see once.py."""
        self.once = ReadOnce()

    def _once(self, key: tuple[Any, ...], read: Callable[[], Any]) -> Any:
        return self.once.get(key, read) if self.once is not None else read()

    def warm_up(self, count: int = PUBLISH_CONNECTIONS) -> threading.Thread | None:
        """Open `count` connections in the background, beside the first requests (see
        prewarm.py); the thread is returned for tests to wait on."""
        return prewarm(self.session, self._url("/"), count, self.timeouts.connect)

    def close(self) -> None:
        """Close every open connection (a run's last step)."""
        self.session.close()

    # -- app software and parent software (reads) -------------------------------------------

    def app_software(self, app_key: str, hosting: str | None) -> list[Json]:
        if self.once is not None:  # every hosting's entries come with one read of them all
            every = self._once(("app-software", app_key), lambda: self._app_software(app_key, None))
            return [e for e in every if hosting is None or e.get("hosting") == hosting]
        return self._app_software(app_key, hosting)

    def _app_software(self, app_key: str, hosting: str | None) -> list[Json]:
        path = f"/app-software/app-key/{_seg(app_key)}"
        where = f"GET /rest/3{path}"
        query = {"hosting": hosting} if hosting else None
        found = items(self._send("GET", path, params=query), "the list", where)
        return [conform(e, answers.APP_SOFTWARE, where) for e in found]

    def parent_software(self) -> Iterator[Json]:
        yield from self._once(("parent-software",), lambda: list(self._parent_software()))

    def _parent_software(self) -> Iterator[Json]:
        for entry in self.pages("/parent-software", "parentSoftware"):
            yield conform(entry, answers.PARENT, "GET /rest/3/parent-software", required=("id",))

    def pages(
        self,
        path: str,
        field: str,
        params: dict[str, Any] | None = None,
        limit: int | None = 50,
    ) -> Iterator[Json]:
        """Every entry in `field` of a cursor-paged listing; links.next is followed safely
        (same origin, repaired or refused, bounded: see paging.py). `limit` None: the
        server's own page size."""
        yield from cursor_pages(
            lambda url, query: self._send("GET", url, params=query),
            self.root,
            path,
            field,
            params={**({"limit": limit} if limit else {}), **(params or {})},
        )

    def parent_version(
        self, parent_id: str, *, number: str | None = None, build: int | None = None
    ) -> Json | None:
        kind, value = ("number", number) if number is not None else ("build", str(build))
        key = ("parent-version", parent_id, kind, value)
        found: Json | None = self._once(key, lambda: self._parent_version(parent_id, kind, value))
        if found is not None and self.once is not None:  # it answers the other question too
            other = found["buildNumber"] if kind == "number" else found.get("versionNumber")
            other_kind = "build" if kind == "number" else "number"
            if isinstance(other, int | str):
                self.once.put(("parent-version", parent_id, other_kind, str(other)), found)
        return found

    def _parent_version(self, parent_id: str, kind: str, value: str) -> Json | None:
        path = f"/parent-software/{_seg(parent_id)}/versions/{kind}/{_seg(value)}"
        found = self._json_or_none(path, answers.PARENT_VERSION, required=("buildNumber",))
        asked = "buildNumber" if kind == "build" else "versionNumber"
        wanted: int | str = int(value) if kind == "build" else value
        if found is not None and found.get(asked) != wanted:
            shown = f"{asked} {found.get(asked)!r} for the product version {value}"
            raise UnexpectedAnswer(shown, f"GET /rest/3{path}")
        return found

    def get_version(self, app_software_id: str, build: int) -> Json | None:
        key = ("version", app_software_id, build)
        return self._once(key, lambda: self._get_version(app_software_id, build))  # type: ignore[no-any-return]

    def _get_version(self, app_software_id: str, build: int) -> Json | None:
        path = f"/app-software/{_seg(app_software_id)}/versions/{build}"
        found = self._json_or_none(path, answers.VERSION)
        if found is not None and found.get("buildNumber", build) != build:
            shown = f"buildNumber {found['buildNumber']!r} for the version {build}"
            raise UnexpectedAnswer(shown, f"GET /rest/3{path}")
        return found

    def version_url(self, app_software_id: str, build: int) -> str:
        """The version's API URL, as the result document and the step outputs show it."""
        return self._url(f"/app-software/{_seg(app_software_id)}/versions/{build}")

    def get_listing(self, app_software_id: str, build: int) -> Json | None:
        key = ("listing", app_software_id, build)
        return self._once(key, lambda: self._get_listing(app_software_id, build))  # type: ignore[no-any-return]

    def _get_listing(self, app_software_id: str, build: int) -> Json | None:
        path = f"/app-software/{_seg(app_software_id)}/versions/{build}/listing"
        return self._json_or_none(path, answers.LISTING)

    def versions(self, app_software_id: str) -> Iterator[Json]:
        """Every version of the app software, in the order served (not trusted: sort by build)."""
        key = ("versions", app_software_id)
        yield from self._once(key, lambda: list(self._versions(app_software_id)))

    def _versions(self, app_software_id: str) -> Iterator[Json]:
        yield from self.pages(f"/app-software/{_seg(app_software_id)}/versions", "versions")

    def parent_versions(self, parent_id: str) -> Iterator[Json]:
        """The host product's versions, newest first as Marketplace serves them; every entry
        shape-checked (answers.product_version), counted across pages in the error."""
        yield from self._once(("host-versions", parent_id), lambda: list(self._host(parent_id)))

    def _host(self, parent_id: str) -> Iterator[Json]:
        path = f"/parent-software/{_seg(parent_id)}/versions"
        for index, entry in enumerate(self.pages(path, "versions")):
            yield answers.product_version(entry, f"GET /rest/3{path}: versions[{index}]")

    def listings(self, app_software_id: str, state: str | None = None) -> Iterator[Json]:
        params = {"state": state} if state else {}
        path = f"/app-software/{_seg(app_software_id)}/listings/all"
        for entry in self.pages(path, "versions", params):
            yield conform(entry, answers.LISTED, f"GET /rest/3{path}", required=("buildNumber",))

    def developer_id_of_vendor(self, vendor_id: str) -> str | None:
        found = self._json_or_none(
            f"/developer-space/vendor/{_seg(vendor_id)}", answers.DEVELOPER_ID
        )
        return str(found["developerId"]) if found and found.get("developerId") else None

    def developer_space(self, developer_id: str) -> Json | None:
        return self._json_or_none(f"/developer-space/{_seg(developer_id)}", answers.DEVELOPER_SPACE)

    def developer_apps(self, developer_id: str) -> Iterator[Json]:
        """The developer's app listings, private ones included, 50 per page (the most `limit`
        allows: the server's own 10 would make a 500-app account 50 round trips)."""
        path = f"/product-listing/developer-space/{_seg(developer_id)}"
        for entry in self.pages(path, "items", {"includePrivate": "true"}):
            yield conform(entry, answers.DEVELOPER_APP, f"GET /rest/3{path}", required=("appKey",))

    def get_artifact(self, artifact_id: str) -> Json | None:
        try:
            return self._json_or_none(f"/artifacts/{_seg(artifact_id)}", answers.ARTIFACT)
        except ApiRejectedError as exc:
            if exc.status == 400:  # not an artifact id at all
                return None
            raise

    def download(self, href: str, sink: IO[bytes] | None = None) -> Served:
        """What Marketplace serves at an artifact's `_links.binary`, hashed while streamed (and
        written to `sink` when given)."""
        with self._counting:
            self.requests_made += 1
        return download_artifact(
            self.session, self.root, href, self.timeouts, self.deadlines, sink=sink
        )

    # -- writes --------------------------------------------------------------------------------

    def create_version(self, app_software_id: str, body: Json) -> None:
        self._send("POST", f"/app-software/{_seg(app_software_id)}/versions", body=body)

    def update_version(self, app_software_id: str, build: int, body: Json) -> None:
        self._send("PUT", f"/app-software/{_seg(app_software_id)}/versions/{build}", body=body)

    def create_listing(self, app_software_id: str, build: int, body: Json) -> None:
        self._send(
            "POST", f"/app-software/{_seg(app_software_id)}/versions/{build}/listing", body=body
        )

    def update_listing(self, app_software_id: str, build: int, body: Json) -> None:
        self._send(
            "PUT", f"/app-software/{_seg(app_software_id)}/versions/{build}/listing", body=body
        )

    def fetch_artifact(self, uri: str) -> Json:
        answer = self._send("POST", "/artifacts/fetch", body={"uri": uri}, upload=True)
        return conform(answer, answers.ARTIFACT, "POST /rest/3/artifacts/fetch")

    def upload(
        self,
        path: str,
        filename: str,
        stream: Readable,
        content_type: str,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> Json:
        """POST a multipart body with the part `file`, streamed from `stream` (never in memory)."""
        body = file_part(filename, stream, content_type, on_progress)
        headers = {"Content-Type": body.content_type}
        answer = self._send("POST", path, data=body, headers=headers, upload=body.len)
        return document(answer, f"POST /rest/3{path}")

    # -- plumbing ------------------------------------------------------------------------------

    def _json_or_none(
        self, path: str, shape: answers.Shape, required: tuple[str, ...] = ()
    ) -> Json | None:
        try:
            return conform(self._send("GET", path), shape, f"GET /rest/3{path}", required=required)
        except ApiRejectedError as exc:
            if exc.status == 404:
                return None
            raise

    def _send(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        body: Json | None = None,
        data: Any = None,
        headers: dict[str, str] | None = None,
        upload: bool | int = False,
    ) -> Any:
        """One request; `upload` is True for a slow write, or the size of an upload body."""
        if method != "GET" and self.once is not None:
            self.once.forget()  # what is read after a write must be the live document
        url = self._url(path)
        what = f"{method} {urlsplit(url).path}"
        read = self.timeouts.upload_read if upload else self.timeouts.read
        seconds = self._deadline(what, 0 if upload is True else int(upload))
        with self.in_flight.watching(what, seconds) as watchdog:
            try:
                response = self._request(method, url, what, params, body, data, headers, read)
                content = self._content(response, what)
            except TransportError as exc:
                if watchdog.was_cut:
                    raise CutError(what, maybe_processed=True) from exc
                if watchdog.fired:
                    raise DeadlineError(what, f"no complete answer within {seconds:.0f} s") from exc
                raise
            if watchdog.was_cut:  # an answer delimited by the connection's end, cut short
                raise CutError(what, maybe_processed=True)
            if watchdog.fired:
                raise DeadlineError(what, f"no complete answer within {seconds:.0f} s")
        if response.status_code >= 400:
            raise api_error(
                what, response.status_code, content, retry_after_seconds(response), self.account
            )
        if response.status_code >= 300:  # a redirect of a write: never re-sent elsewhere
            raise ApiRejectedError(
                what,
                response.status_code,
                (),
                advice="Marketplace redirected the request; check that MPAC_API_URL is the API "
                "root (https://api.atlassian.com/marketplace)",
            )
        if not content.strip():
            return None
        try:
            return parse(content, what)
        except ValueError as exc:
            raise TransportError(
                what, "the response was not complete JSON", maybe_processed=True
            ) from exc

    def _deadline(self, what: str, upload_size: int) -> float:
        """Seconds this request may take: its own deadline, within what is left of the run's."""
        left = self.run_ends - self.clock()
        if left <= 0:
            raise DeadlineError(what, f"the run took longer than {self.deadlines.run:.0f} s")
        own = self.deadlines.request + upload_size / self.deadlines.upload_rate
        return min(own, left)

    def _content(self, response: requests.Response, what: str) -> bytes:
        try:
            return read_body(response, what)
        except requests.RequestException as exc:
            raise transport_error(what, exc) from exc

    def _request(
        self,
        method: str,
        url: str,
        what: str,
        params: dict[str, Any] | None,
        body: Json | None,
        data: Any,
        headers: dict[str, str] | None,
        read_timeout: float,
    ) -> requests.Response:
        for _ in range(MAX_REDIRECTS + 1):
            with self._counting:  # requests may run side by side (publisher.concurrency)
                self.requests_made += 1
            with wire_errors(what, url):
                response = self.session.request(
                    method,
                    url,
                    params=params,
                    data=json.dumps(body).encode() if body is not None else data,
                    headers={
                        **({"Content-Type": "application/json"} if body is not None else {}),
                        **(headers or {}),
                    },
                    timeout=(self.timeouts.connect, read_timeout),
                    allow_redirects=False,  # we follow ourselves, and never to another host
                    stream=True,  # read by _content, bounded in size and time
                )
            if response.is_redirect and method == "GET":
                response.close()
                url = self._redirect_target(what, url, response.headers.get("Location", ""))
                params = None
                continue
            return response
        raise TransportError(what, f"more than {MAX_REDIRECTS} redirects", maybe_processed=False)

    def _redirect_target(self, what: str, current: str, location: str) -> str:
        target = urljoin(current, location)
        if urlsplit(target)[:2] != urlsplit(current)[:2]:
            raise ApiRejectedError(
                what,
                302,
                (),
                advice=f"Marketplace redirected to {urlsplit(target).netloc}; mpac-publisher "
                "never sends your credentials to another host. Check MPAC_API_URL.",
            )
        return target

    def _url(self, path: str) -> str:
        if path.startswith(("http://", "https://")):
            return path  # an absolute pagination link
        root = urlsplit(self.root)
        if root.path and path.startswith(root.path + "/rest/3/"):
            return f"{root.scheme}://{root.netloc}{path}"  # a link relative to the host
        if path.startswith("/rest/3/"):
            return self.root + path  # a link relative to the API root
        return f"{self.root}/rest/3{path}"


def _seg(value: str) -> str:
    return quote(value, safe="")
