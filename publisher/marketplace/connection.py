"""Where to publish and as whom: the API root and the account credentials, checked up front."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TextIO
from urllib.parse import urlsplit

from publisher.errors import CredentialsError, UsageError
from publisher.secrets import MIN_SECRET, looks_like_email, secret_forms

DEFAULT_API_URL = "https://api.atlassian.com/marketplace"
RETIRED_HOSTS = ("marketplace.atlassian.com", "www.marketplace.atlassian.com")  # v2's host

AUTH_ADVICE = (
    "use the email address of an Atlassian account that owns the app (MPAC_USER) and an API "
    "token from https://id.atlassian.com/manage-profile/security/api-tokens (MPAC_TOKEN); "
    "Forge and OAuth2 credentials are not accepted by the Marketplace API"
)


@dataclass(frozen=True)
class Credentials:
    user: str
    token: str = field(repr=False)

    def __repr__(self) -> str:  # never print the token, even in a traceback
        return f"Credentials(user={self.user!r}, token=***)"

    @property
    def secrets(self) -> list[str]:
        return secret_forms(self.user, self.token)


@dataclass(frozen=True)
class Connection:
    api_url: str  # without a trailing slash; requests go to {api_url}/rest/3/...
    credentials: Credentials | None

    @property
    def is_loopback(self) -> bool:
        return is_loopback_url(self.api_url)


def is_loopback_url(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def api_root(given: str | None, env: Mapping[str, str]) -> str:
    """--api-url, else MPAC_API_URL, else the real Marketplace; https unless on this machine."""
    url = (given or env.get("MPAC_API_URL") or DEFAULT_API_URL).strip().rstrip("/")
    parts = urlsplit(url)
    shown = url.rpartition("@")[2]  # never echo what may be userinfo, URL-shaped or not
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(
            f"the API root {shown!r} is not an http(s) URL",
            advice=f"set MPAC_API_URL to e.g. {DEFAULT_API_URL}",
        )
    try:
        parts.port  # noqa: B018 - urlsplit checks the port only when it is read
    except ValueError:
        raise UsageError(
            f"the API root {shown!r} has an invalid port", advice=f"e.g. {DEFAULT_API_URL}"
        ) from None
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        raise UsageError(
            "the API root contains spaces or control characters", advice=f"e.g. {DEFAULT_API_URL}"
        )
    if parts.username or parts.password:
        raise UsageError(
            "the API root must not contain credentials",
            advice="pass the account in MPAC_USER and the token in MPAC_TOKEN",
        )
    if parts.scheme != "https" and not is_loopback_url(url):
        raise UsageError(
            f"refusing to send credentials over plain http to {parts.hostname}",
            advice="use an https:// API root (plain http is allowed only for 127.0.0.1/localhost)",
        )
    if (parts.hostname or "").lower() in RETIRED_HOSTS:
        raise UsageError(
            f"{parts.hostname} is not the Marketplace API root: /rest/3 there answers 404/403",
            advice=f"set MPAC_API_URL to {DEFAULT_API_URL} (or leave it unset)",
        )
    if parts.path.rstrip("/").endswith("/rest/3") or parts.path.rstrip("/").endswith("/rest/2"):
        raise UsageError(
            f"the API root {url!r} already ends in a REST version",
            advice="give the root only, e.g. https://api.atlassian.com/marketplace",
        )
    return url


def credentials(
    user: str | None,
    env: Mapping[str, str],
    *,
    token_stdin: TextIO | None = None,
    required: bool,
) -> Credentials | None:
    """The account from --user/MPAC_USER and the token from MPAC_TOKEN or stdin (never a flag)."""
    email = (user or env.get("MPAC_USER") or "").strip()
    token = token_stdin.readline().strip() if token_stdin else env.get("MPAC_TOKEN", "").strip()
    if not email and not token:
        if required:
            raise CredentialsError(
                "no credentials: MPAC_USER and MPAC_TOKEN are not set", advice=AUTH_ADVICE
            )
        return None
    if not email:
        raise UsageError(  # the environment is half set: a mistake in the job, not the account
            "MPAC_TOKEN is set but MPAC_USER is not",
            advice="set MPAC_USER to the email address of the account the token belongs to",
        )
    shown = f" ({email})" if looks_like_email(email) else ""  # anything else may be a token
    if not token:
        raise CredentialsError(
            f"MPAC_USER is set{shown} but no token was given (MPAC_TOKEN or --token-stdin)",
            advice=AUTH_ADVICE,
        )
    if "@" not in email:
        raise CredentialsError(
            "MPAC_USER is not an email address (its value is not shown: it may be a token; "
            "are MPAC_USER and MPAC_TOKEN swapped?)",
            advice=AUTH_ADVICE,
        )
    _check_sendable("MPAC_USER", email)
    _check_sendable("MPAC_TOKEN", token)
    if len(token) < MIN_SECRET:  # too short to be a token, and too short to be masked safely
        raise CredentialsError("MPAC_TOKEN is too short to be an API token", advice=AUTH_ADVICE)
    if any(c.isspace() for c in token) or ":" in email:
        raise CredentialsError("the API token or email contains invalid characters")
    return Credentials(email, token)


def _check_sendable(name: str, value: str) -> None:
    """HTTP Basic auth carries Latin-1 only: refuse anything else before a request is sent."""
    try:
        value.encode("latin-1")
    except UnicodeEncodeError:
        raise CredentialsError(
            f"{name} contains characters HTTP Basic authentication cannot carry (only Latin-1; "
            "an Atlassian API token is plain ASCII); its value is not shown",
            advice=AUTH_ADVICE,
        ) from None
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise CredentialsError(
            f"{name} contains control characters; its value is not shown", advice=AUTH_ADVICE
        )
