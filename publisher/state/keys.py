"""How state files are keyed: one spelling per API root and per account.

`http://LOCALHOST:80/` and `http://127.0.0.1` are the same server, and `Demo@Example.com` is the
same account as `demo@example.com`; spelling them differently must not split the upload ledger
(a second run would not wait) or the resume journal (a second run would upload again).
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

LOOPBACK = "loopback"
_DEFAULT_PORTS = {"http": 80, "https": 443}


def api_root_key(url: str) -> str:
    """The API root with scheme and host lowercased, the default port and trailing slashes
    dropped, and every loopback host (localhost, 127.0.0.0/8, ::1) spelled the same."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = _host(parts.hostname or "")
    try:
        port = parts.port
    except ValueError:  # not a number: keep the text, it names a different root anyway
        port = None
    shown = f"[{host}]" if ":" in host else host
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        shown += f":{port}"
    return f"{scheme}://{shown}{parts.path.rstrip('/')}"


def account_key(api_url: str, user: str) -> str:
    """One account on one API root (emails are case-insensitive: casefolded)."""
    return f"{api_root_key(api_url)}|{user.strip().casefold()}"


def _host(host: str) -> str:
    host = host.lower().rstrip(".")
    if host == "localhost":
        return LOOPBACK
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    return LOOPBACK if address.is_loopback else str(address)
