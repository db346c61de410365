"""The control API under /_sandbox/: journal, state and faults over HTTP (loopback, no auth).

For rehearsals driven from another process; in-process tests use the Sandbox handle instead.
Having no auth, it must not be reachable from a web page the user has open: a page on another
site could rebind its own name to 127.0.0.1 (so only loopback `Host` names are answered, 421
otherwise), or POST a "simple" cross-site form without a CORS preflight (so a write must say
`Content-Type: application/json`, which no such form can send: 415 otherwise).
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any
from urllib.parse import urlsplit

from publisher.sandbox.context import Context
from publisher.sandbox.faults import Fault
from publisher.sandbox.wire import BadJson, Request, Response, empty_response, json_response


def _problem(message: str) -> Response:
    return json_response(400, {"error": message})


_LOOPBACK_NAMES = ("localhost",)
_HOST = re.compile(
    r"(?:\[(?P<v6>[0-9A-Fa-f:.]+)\]|(?P<name>[A-Za-z0-9.-]+))(?::(?P<port>\d{1,5}))?"
)
_WRITES = ("POST", "PUT", "PATCH")


def refusal(req: Request) -> Response | None:
    """421 for a Host that is not a loopback name (with this port or none), 415 for a write
    whose body is not declared JSON; None when the request may reach its handler."""
    if not _loopback_host(req.headers.get("Host", ""), urlsplit(req.base_url).port):
        return json_response(421, {"error": "the control API answers only loopback Host names"})
    declared = req.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if req.method in _WRITES and declared != "application/json":
        return json_response(
            415, {"error": "a control API write needs Content-Type: application/json"}
        )
    return None


def _loopback_host(header: str, port: int | None) -> bool:
    """`localhost`, `127.0.0.1` (any 127/8) or `[::1]`, bare or with the sandbox's own port."""
    found = _HOST.fullmatch(header.strip())
    if found is None:
        return False
    name, given = found.group("v6") or found.group("name"), found.group("port")
    if given is not None and int(given) != port:
        return False
    if name.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def get_journal(ctx: Context, req: Request) -> Response:
    return json_response(200, ctx.journal.entries())


def clear_journal(ctx: Context, req: Request) -> Response:
    ctx.journal.clear()
    return empty_response(204)


def get_state(ctx: Context, req: Request) -> Response:
    return json_response(200, ctx.store.snapshot())


def get_faults(ctx: Context, req: Request) -> Response:
    return json_response(200, ctx.faults.pending())


def add_faults(ctx: Context, req: Request) -> Response:
    """Body: one Fault as a JSON object, or a list of them; all or nothing."""
    try:
        body: Any = req.read_json()
    except BadJson as exc:
        return _problem(str(exc))
    items = body if isinstance(body, list) else [body]
    try:
        faults = [Fault.from_json(item) for item in items if isinstance(item, dict)]
    except ValueError as exc:
        return _problem(str(exc))
    if len(faults) != len(items):
        return _problem("expected a Fault object or a list of them")
    for fault in faults:
        ctx.faults.add(fault)
    return json_response(201, ctx.faults.pending())


def clear_faults(ctx: Context, req: Request) -> Response:
    ctx.faults.clear()
    return empty_response(204)


def add_parent_version(ctx: Context, req: Request) -> Response:
    """Body: {buildNumber, versionNumber, hosting?}: a host release "published" now."""
    try:
        body: Any = req.read_json()
    except BadJson as exc:
        return _problem(str(exc))
    try:
        added = ctx.catalogue.add_version(req.params["parentSoftwareId"], body)
    except ValueError as exc:
        return _problem(str(exc))
    return json_response(201, added)
