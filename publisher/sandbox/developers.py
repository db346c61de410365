"""Developer spaces and their apps: GET /developer-space/{developerId},
/developer-space/vendor/{vendorId} and /product-listing/developer-space/{developerId}.

The spec declares these errors without a body. A numeric id where a developer id (UUID) belongs
is refused with 400 on the app list, as seen live when vendor and developer ids are mixed up.
"""

from __future__ import annotations

import uuid
from typing import Any

from publisher.sandbox.context import Context
from publisher.sandbox.envelope import empty
from publisher.sandbox.paging import paginate
from publisher.sandbox.seed import SeedAccount, SeedApp
from publisher.sandbox.wire import Request, Response, json_response

_NAMESPACE = uuid.UUID("0b9a6c52-2f57-4b0e-8f0c-3b1f9d7c2a10")


def _account_by_developer(ctx: Context, developer_id: str) -> SeedAccount | None:
    for account in ctx.store.accounts.values():
        if account.developer_id == developer_id.lower():
            return account
    return None


def developer_space(ctx: Context, req: Request) -> Response:
    account = _account_by_developer(ctx, req.params["developerId"])
    if account is None or account.email != req.account:
        raise empty(404)  # GUESS: another vendor's space is not revealed
    return json_response(
        200,
        {
            "id": account.developer_id,
            "name": account.email.split("@", 1)[1],
            "status": "ACTIVE",
            "type": "ATLASSIAN_EXTERNAL",
            "vendorId": account.vendor_id,
            "version": 1,
        },
    )


def developer_by_vendor(ctx: Context, req: Request) -> Response:
    raw = req.params["vendorId"]
    for account in ctx.store.accounts.values():
        if raw.isdigit() and int(raw) == account.vendor_id:
            return json_response(200, {"developerId": account.developer_id})
    raise empty(404)


def product_listings(ctx: Context, req: Request) -> Response:
    developer_id = req.params["developerId"]
    if developer_id.isdigit():
        raise empty(400)  # LIVE: a vendor id where the developer id belongs
    account = _account_by_developer(ctx, developer_id)
    if account is None:
        raise empty(404)
    if account.email != req.account:
        raise empty(403)
    private = req.query_one("includePrivate") == "true"
    items = [_listing(account, app) for app in account.apps if private or not app.private]
    page, links = paginate(req, items, default_limit=10, error=empty(400))
    return json_response(200, {"links": links, "items": page})


def _listing(account: SeedAccount, app: SeedApp) -> dict[str, Any]:
    return {
        "productId": str(uuid.uuid5(_NAMESPACE, app.key)),
        "appKey": app.key,
        "developerId": account.developer_id,
        "appName": app.name,
        "summary": f"{app.name} for Atlassian products",
        "communityEnabled": False,
        "state": "PRIVATE" if app.private else "PUBLIC",
        "approvalStatus": "NOT_ASSIGNED" if app.private else "APPROVED",
        "slug": app.key.replace(".", "-"),
        "revision": 1,
        "cloudComplianceBoundary": False,
    }
