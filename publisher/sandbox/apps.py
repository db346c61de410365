"""GET /rest/3/app-software/app-key/{appKey}, and finding the caller's app software by id."""

from __future__ import annotations

from typing import Any

from publisher.sandbox.context import Context
from publisher.sandbox.envelope import api_error, empty, invalid_parameter
from publisher.sandbox.seed import HOSTINGS
from publisher.sandbox.state import AppSoftware
from publisher.sandbox.wire import Request, Response, json_response

BOUNDARIES = ("commercial", "fedramp_moderate", "isolated_cloud")


def by_app_key(ctx: Context, req: Request) -> Response:
    hosting = req.query_one("hosting")
    if hosting is not None and hosting not in HOSTINGS:
        raise invalid_parameter(
            "Invalid hosting type provided. Hosting must be one of: cloud, server, datacenter"
        )
    wanted = [b for raw in req.query.get("complianceBoundaries", []) for b in raw.split(",") if b]
    if any(b not in BOUNDARIES for b in wanted):
        raise invalid_parameter(
            "Invalid compliance boundary provided. Compliance boundaries must be one of: "
            + ", ".join(BOUNDARIES)
        )
    app_key = req.params["appKey"]
    assert req.account is not None
    owner = ctx.store.owner_of_key(app_key)
    if owner is None and ctx.settings.auto_create_apps:
        ctx.store.create_app(app_key, req.account)
        owner = req.account
    if owner is None:
        raise api_error(
            404,
            "APP_KEY_NOT_FOUND",
            "App key not found",
            f"No app software found for the specified app key '{app_key}'",
        )
    if owner != req.account:
        raise empty(403)  # another vendor's app (the spec declares no 403 here: our choice)
    found: list[dict[str, Any]] = [
        {
            "appSoftwareId": app.id,
            "hosting": app.hosting,
            "complianceBoundaries": app.compliance_boundaries,
            "archived": app.archived,  # LIVE, not in the spec (docs/sandbox.md)
        }
        for app in ctx.store.app_software_for_key(app_key)
        if hosting is None or app.hosting == hosting
    ]
    if wanted:
        found = [f for f in found if set(f["complianceBoundaries"] or []) & set(wanted)]
    return json_response(200, found)


def owned_app(ctx: Context, req: Request, *, forbidden: bool, bare_404: bool) -> AppSoftware:
    """The caller's app software from the path, or the error this endpoint declares.

    Another account's app software is 403 (no body) where the spec declares a 403 for the
    endpoint (`forbidden`), otherwise the same 404 as an unknown id; `bare_404` for endpoints
    whose 404 has no body (version listings).
    """
    sid = req.params["appSoftwareId"]
    with ctx.store.lock:
        app = ctx.store.apps.get(sid)
    if app is not None and app.owner != req.account and forbidden:
        raise empty(403)
    if app is None or app.owner != req.account:
        if bare_404:
            raise empty(404)
        raise api_error(
            404,
            "APP_SOFTWARE_NOT_FOUND",
            "App software not found",
            f"No app software found with the specified ID '{sid}'",
        )
    return app
