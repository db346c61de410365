"""The control API under /_sandbox/: journal, state and faults over HTTP (loopback, no auth).

For rehearsals driven from another process; in-process tests use the Sandbox handle instead.
"""

from __future__ import annotations

from typing import Any

from publisher.sandbox.context import Context
from publisher.sandbox.faults import Fault
from publisher.sandbox.wire import BadJson, Request, Response, empty_response, json_response


def _problem(message: str) -> Response:
    return json_response(400, {"error": message})


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
