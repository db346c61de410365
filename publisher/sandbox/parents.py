"""GET /rest/3/parent-software...: the host products and their versions (read-only)."""

from __future__ import annotations

from publisher.sandbox.context import Context
from publisher.sandbox.envelope import ApiError, api_error
from publisher.sandbox.paging import paginate
from publisher.sandbox.wire import Request, Response, json_response


def _not_found(what: str, detail: str) -> ApiError:
    code = "PARENT_SOFTWARE_NOT_FOUND" if what == "product" else "PARENT_SOFTWARE_VERSION_NOT_FOUND"
    title = (
        "Parent software not found" if what == "product" else "Parent software version not found"
    )
    return api_error(404, code, title, detail)


def _product_id(ctx: Context, req: Request) -> str:
    product_id = req.params.get("parentSoftwareId") or req.params["id"]
    if ctx.catalogue.product(product_id) is None:
        raise _not_found(
            "product", f"No parent software found with the specified ID '{product_id}'"
        )
    return product_id


def list_products(ctx: Context, req: Request) -> Response:
    page, links = paginate(req, ctx.catalogue.products())
    return json_response(200, {"links": links, "parentSoftware": page})


def get_product(ctx: Context, req: Request) -> Response:
    return json_response(200, ctx.catalogue.product(_product_id(ctx, req)))


def list_versions(ctx: Context, req: Request) -> Response:
    versions = ctx.catalogue.versions(_product_id(ctx, req)) or []
    page, links = paginate(req, versions)
    return json_response(200, {"links": links, "versions": page})


def version_by_build(ctx: Context, req: Request) -> Response:
    product_id = _product_id(ctx, req)
    raw = req.params["buildNumber"]
    version = ctx.catalogue.version_by_build(product_id, int(raw)) if raw.isdigit() else None
    if version is None:
        raise _not_found("version", f"No parent software version found with build number '{raw}'")
    return json_response(200, version)


def version_by_number(ctx: Context, req: Request) -> Response:
    product_id = _product_id(ctx, req)
    number = req.params["versionNumber"]
    version = ctx.catalogue.version_by_number(product_id, number)
    if version is None:
        raise _not_found("version", f"No parent software version found with number '{number}'")
    return json_response(200, version)
