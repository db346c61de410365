"""Every way the wire can fail, each with what to do next: Marketplace's error responses (our
error types), no answer at all (TransportError), an answer too slow (DeadlineError), a server
certificate refused (CertificateError), and a 2xx answer that is not what the API promises
(UnexpectedAnswer).

v3 answers with `{"errors": [{"id", "status", "code", "title", "detail"}]}`; `status` is a string
on some endpoints and an integer on others, and many 401/403/404/500s have no body at all. The
request field an error is about only appears inside `detail` ("Invalid value for
changelog.releaseNotes. ..." or "Invalid value for field 'uri': ..."), so that is where we read it.
"""

from __future__ import annotations

import contextlib
import json
import re
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests

from publisher.errors import (
    CredentialsError,
    PublisherError,
    RateLimitError,
    RejectedError,
    UnavailableError,
    UsageError,
)
from publisher.marketplace.connection import AUTH_ADVICE
from publisher.secrets import looks_like_email

# Two forms: the spec's "Invalid value for appName. Cannot ..." and, seen live,
# "Invalid value for field 'supportedPaymentModel': must be ..." (or without the colon).
_FIELD = re.compile(
    r"Invalid value for (?:field '(?P<quoted>[^'\s]+)'"
    r"|(?P<bare>[A-Za-z_][\w.\[\]]*?)(?:\.\s|\.$|:|\s|$))"
)


@dataclass(frozen=True)
class ErrorEntry:
    status: str
    code: str
    title: str
    detail: str

    @property
    def field(self) -> str | None:
        """The request field named in `detail`, e.g. "changelog.releaseNotes"."""
        found = _FIELD.search(self.detail)
        return (found.group("quoted") or found.group("bare")) if found else None

    def text(self) -> str:
        parts = [p for p in (self.title, self.detail) if p]
        if self.title and self.detail and self.detail.startswith(self.title):
            parts = [self.detail]
        label = f" [{self.code}]" if self.code else ""
        return (": ".join(parts) or "no details given") + label


class ApiError(PublisherError):
    """An HTTP error answer from Marketplace. The exit code follows the status class."""

    def __init__(
        self,
        request: str,
        status: int,
        entries: tuple[ErrorEntry, ...],
        *,
        retry_after: float | None = None,
        advice: str | None = None,
    ) -> None:
        self.request = request
        self.status = status
        self.entries = entries
        self.retry_after = retry_after
        first = entries[0].text() if entries else "no error details in the response"
        more = f" (and {len(entries) - 1} more)" if len(entries) > 1 else ""
        super().__init__(f"{request} failed: HTTP {status}: {first}{more}", advice=advice)

    @property
    def codes(self) -> set[str]:
        return {e.code for e in self.entries}

    def mentions(self, text: str) -> bool:
        return any(text.lower() in f"{e.title} {e.detail}".lower() for e in self.entries)


class ApiAuthError(ApiError, CredentialsError):
    pass


class ApiRateLimitError(ApiError, RateLimitError):
    pass


class ApiUnavailableError(ApiError, UnavailableError):
    pass


class ApiRejectedError(ApiError, RejectedError):
    pass


def parse_entries(content: bytes) -> tuple[ErrorEntry, ...]:
    """The error entries of a body, tolerating empty, non-JSON and oddly shaped bodies."""
    if not content.strip():
        return ()
    try:
        body = json.loads(content)
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: hostile nesting
        snippet = content[:200].decode("utf-8", "replace").strip()
        return (ErrorEntry("", "", "", snippet),)
    raw = body.get("errors") if isinstance(body, dict) else None
    if isinstance(body, dict) and raw is None:
        raw = [body]  # a bare {"code":..., "detail":...} as the spec's examples sometimes show
    if not isinstance(raw, list):
        return ()
    return tuple(
        ErrorEntry(
            str(item.get("status", "")),
            str(item.get("code", "") or ""),
            str(item.get("title", "") or ""),
            str(item.get("detail", item.get("message", "")) or ""),
        )
        for item in raw
        if isinstance(item, dict)
    )


def api_error(
    request: str,
    status: int,
    content: bytes,
    retry_after: float | None = None,
    account: str | None = None,
) -> ApiError:
    """The error for an HTTP error answer; `account`: the MPAC_USER tried, named in a 401/403
    when it looks like an email (anything else may be a swapped token: never shown)."""
    entries = parse_entries(content)
    if status in (401, 403):
        who = f" ({account})" if account and looks_like_email(account) else ""
        why = (
            f"the credentials{who} were not accepted"
            if status == 401
            else f"this account{who} may not act on this app (it must own it or have admin access)"
        )
        return ApiAuthError(request, status, entries, advice=f"{why}: {AUTH_ADVICE}")
    if status == 429:
        return ApiRateLimitError(
            request,
            status,
            entries,
            retry_after=retry_after,
            advice="Marketplace limits artifact uploads (10 s apart, ~750 MB per 2 hours); "
            "wait and re-run: completed steps are not repeated",
        )
    if status >= 500:
        return ApiUnavailableError(
            request,
            status,
            entries,
            retry_after=retry_after,
            advice="Marketplace is having trouble; re-run later: completed steps are not repeated",
        )
    if status == 410:
        return ApiRejectedError(
            request,
            status,
            entries,
            advice="this API is retired; check that MPAC_API_URL is the v3 API root "
            "(https://api.atlassian.com/marketplace)",
        )
    return ApiRejectedError(request, status, entries, advice=_advice_for(entries))


def _advice_for(entries: tuple[ErrorEntry, ...]) -> str | None:
    if any(e.code == "APP_KEY_NOT_FOUND" for e in entries):
        return "check `app:` in release.yml; the app must already exist on Marketplace"
    if any(e.field for e in entries):
        return (
            "fix the release.yml key Marketplace names (see the errors at their lines) and re-run"
        )
    return None


class TransportError(UnavailableError):
    """No HTTP answer. `maybe_processed` is True when the request may have reached the server."""

    def __init__(self, request: str, reason: str, *, maybe_processed: bool) -> None:
        self.request = request
        self.maybe_processed = maybe_processed
        super().__init__(
            f"{request} failed: {reason}",
            advice="check the network and MPAC_API_URL, then re-run: completed steps are kept",
        )


class CutError(TransportError):
    """A request cut because the run was interrupted (SIGINT/SIGTERM). Not transient: it is not
    retried. `maybe_processed`: it was on the wire, so a write may have taken effect; the next
    run reads the live state (versions, listings) before writing and re-sends what no record
    names (the artifact, the images)."""

    def __init__(self, request: str, *, maybe_processed: bool) -> None:
        reason = "cut: the run was interrupted" if maybe_processed else "not sent: interrupted"
        super().__init__(request, reason, maybe_processed=maybe_processed)
        self.advice = "re-run the same command to finish: completed steps are kept"


class DeadlineError(UnavailableError):
    """A request (or the run) took longer than its deadline; the answer was abandoned."""

    def __init__(self, request: str, why: str) -> None:
        self.request = request
        self.maybe_processed = True  # a write may have reached Marketplace before we gave up
        super().__init__(
            f"{request} abandoned: {why}",
            advice="Marketplace (or a proxy) answered too slowly; re-run later: completed steps "
            "are kept. MPAC_REQUEST_DEADLINE and MPAC_RUN_DEADLINE set the limits.",
        )


CERTIFICATE_ADVICE = (
    "nothing was sent. If a company proxy or a private CA signs this certificate, set "
    "REQUESTS_CA_BUNDLE to a PEM file of that CA's certificate; if the host name is wrong, "
    "check MPAC_API_URL; an expired certificate can also mean this machine's clock is wrong"
)


class CertificateError(UnavailableError):
    """The server's TLS certificate failed verification. Not transient (a retry meets the same
    certificate), and nothing was sent: the handshake comes before the request."""

    title = "TLS certificate verification failed"

    def __init__(self, request: str, host: str, reason: str) -> None:
        self.request = request
        self.host = host
        self.reason = reason
        super().__init__(
            f"TLS certificate verification failed for {host}: {reason} ({request})",
            advice=CERTIFICATE_ADVICE,
        )


def certificate_refusal(exc: BaseException) -> str | None:
    """Why the certificate was refused ("self-signed certificate"), if that is what `exc`
    wraps: requests and urllib3 nest ssl's error three deep (SSLError, MaxRetryError, SSLError)."""
    seen: list[BaseException] = []
    pending: list[object] = [exc]
    while pending and len(seen) < 16:  # bounded: a chain can be long, or even circular
        current = pending.pop()
        if not isinstance(current, BaseException) or any(current is s for s in seen):
            continue
        seen.append(current)
        if isinstance(current, ssl.SSLCertVerificationError):
            return str(current.verify_message or current.reason or "refused").rstrip(".")
        args = current.args[:1] if current.args else ()
        pending += [current.__cause__, current.__context__, getattr(current, "reason", None), *args]
    return None


@contextlib.contextmanager
def wire_errors(what: str, url: str) -> Iterator[None]:
    """Sending a request: requests' exceptions become ours, each saying what to do next."""
    try:
        yield
    except requests.RequestException as exc:
        refused = certificate_refusal(exc)
        if refused:  # not a network hiccup: retrying meets the same certificate
            raise CertificateError(what, urlsplit(url).hostname or url, refused) from exc
        raise transport_error(what, exc) from exc
    except OSError as exc:  # requests checks REQUESTS_CA_BUNDLE's path before it sends
        if "CA certificate" not in str(exc):
            raise
        raise UsageError(
            f"the CA certificates to trust cannot be read: {exc}",
            advice="point REQUESTS_CA_BUNDLE (or CURL_CA_BUNDLE) at a readable PEM file, or "
            "unset it to trust the bundled CA certificates; nothing was sent",
        ) from None


def transport_error(what: str, exc: requests.RequestException) -> TransportError:
    if isinstance(exc, requests.ConnectTimeout):
        return TransportError(what, "could not connect (timed out)", maybe_processed=False)
    if isinstance(exc, requests.ReadTimeout):
        return TransportError(what, "no answer before the timeout", maybe_processed=True)
    text = str(exc)
    if isinstance(exc, requests.ConnectionError) and (
        "NewConnectionError" in text or "Name or service not known" in text or "refused" in text
    ):
        return TransportError(what, "could not connect", maybe_processed=False)
    if isinstance(exc, requests.exceptions.InvalidURL | requests.exceptions.MissingSchema):
        return TransportError(what, f"invalid URL: {exc}", maybe_processed=False)
    return TransportError(
        what, "the connection was closed before a complete answer", maybe_processed=True
    )


class UnexpectedAnswer(UnavailableError):
    """A 2xx answer that is not what the API promises (wrong type, too big, too deep, bad link)."""

    title = "Marketplace answered something unexpected"

    def __init__(self, what: str, where: str) -> None:
        self.what = what
        self.where = where
        super().__init__(
            f"Marketplace answered something unexpected: {what} ({where})",
            advice="nothing was changed by this answer; re-run later, and if it persists "
            "check that MPAC_API_URL is the Marketplace API root and report it",
        )
