"""Version listings: GET/POST/PUT .../versions/{buildNumber}/listing and GET .../listings/all.

These endpoints use the listing error envelope (integer status, code VALIDATION_FAIL), and the
spec declares their 403/404 without a body.
"""

from __future__ import annotations

import copy
from typing import Any

from publisher.sandbox import readback
from publisher.sandbox.apps import owned_app
from publisher.sandbox.context import Context
from publisher.sandbox.envelope import empty, listing_validation_error
from publisher.sandbox.orders import ordered_builds
from publisher.sandbox.paging import paginate
from publisher.sandbox.state import AppSoftware
from publisher.sandbox.validation import check_listing, is_uuid
from publisher.sandbox.wire import BadJson, Request, Response, empty_response, json_response

LISTING_FIELDS = (
    "screenshots",
    "highlights",
    "moreDetails",
    "heroImage",
    "youtubeId",
    "deploymentInstructions",
    "developerLinks",
    "state",
)


def _target(ctx: Context, req: Request) -> tuple[AppSoftware, int]:
    app = owned_app(ctx, req, forbidden=True, bare_404=True)
    raw = req.params["buildNumber"]
    if not raw.isdigit():
        raise empty(404)
    return app, int(raw)


def _body(ctx: Context, req: Request, update: bool) -> dict[str, Any]:
    try:
        body = req.read_json()
    except BadJson as exc:
        raise listing_validation_error([str(exc)]) from None

    def image(image_id: str) -> str | None:
        if ctx.settings.image_id_format == "uuid" and not is_uuid(image_id):
            return "Must be a valid UUID"
        record = ctx.store.images.get(image_id)
        if record is None or record["owner"] != req.account:
            return "Image not found"
        return None

    with ctx.store.lock:
        problems = check_listing(body, update=update, image=image)
    if problems:
        raise listing_validation_error(problems)
    assert isinstance(body, dict)
    return body


def _fields(body: dict[str, Any]) -> dict[str, Any]:
    return {k: copy.deepcopy(body[k]) for k in LISTING_FIELDS if body.get(k) is not None}


def get_listing(ctx: Context, req: Request) -> Response:
    app, build = _target(ctx, req)
    with ctx.store.lock:
        listing = app.listings.get(build)
        if listing is None:
            raise empty(404)
        return json_response(200, listing)


def create_listing(ctx: Context, req: Request) -> Response:
    app, build = _target(ctx, req)
    with ctx.store.lock:
        if build not in app.versions:
            raise empty(404)
    body = _body(ctx, req, update=False)
    with ctx.store.lock:
        if build not in app.versions:
            raise empty(404)
        if build in app.listings:
            raise listing_validation_error(
                ["Invalid value for buildNumber. A listing already exists for this version"]
            )
        # LIVE: new versions are not reviewed; their listings read UNINITIATED (auto-approved).
        app.listings[build] = {
            **readback.listing(ctx.settings, _fields(body)),
            "approvalStatus": "UNINITIATED",
            "approvalDetails": {},
            "buildNumber": build,
            "appSoftwareId": app.id,
            "revision": 1,
        }
    location = f"{req.base_url}/rest/3/app-software/{app.id}/versions/{build}/listing"
    return empty_response(201, {"Location": location})


def update_listing(ctx: Context, req: Request) -> Response:
    app, build = _target(ctx, req)
    with ctx.store.lock:
        if build not in app.listings:
            raise empty(404)
    body = _body(ctx, req, update=True)
    with ctx.store.lock:
        current = app.listings.get(build)
        if current is None:
            raise empty(404)
        problems = []
        if body["approvalStatus"] != current["approvalStatus"]:
            problems.append(
                "Invalid value for approvalStatus. Approval status transitions are not allowed"
            )
        if int(body["revision"]) != current["revision"]:
            problems.append(
                "Invalid value for revision. Revision mismatch - a more recent version exists"
            )
        if current["state"] == "PUBLIC" and body["state"] == "PRIVATE":
            others = [
                b for b, lst in app.listings.items() if b != build and lst["state"] == "PUBLIC"
            ]
            if not others:
                problems.append(
                    "Invalid value for state. Transitioning from PUBLIC to PRIVATE is not allowed "
                    "when the version is the only public version of the app"
                )
        if problems:
            raise listing_validation_error(problems)
        kept = {k: current[k] for k in current if k not in LISTING_FIELDS}
        fields = readback.listing(ctx.settings, _fields(body))
        updated = {**fields, **kept, "revision": current["revision"] + 1}
        app.listings[build] = updated
        return json_response(200, updated)


def all_listings(ctx: Context, req: Request) -> Response:
    app = owned_app(ctx, req, forbidden=True, bare_404=True)
    # LIVE: an unknown `state` or `approvalStatus` matches nothing (200, empty list), not a 400.
    state, approval = req.query_one("state"), req.query_one("approvalStatus")
    with ctx.store.lock:
        builds = ordered_builds(ctx.settings, app.id, app.listings)
        listings = [copy.deepcopy(app.listings[b]) for b in builds]
    listings = [
        lst
        for lst in listings
        if (state is None or lst["state"] == state)
        and (approval is None or lst["approvalStatus"] == approval)
    ]
    # A bad limit or cursor: the INVALID_PARAMETER envelope of every paged list (see paging).
    page, links = paginate(req, listings, default_limit=10)
    return json_response(200, {"links": links, "versions": page})
