"""The route table and what happens before a handler runs: v2 sunset, 404/405, Basic auth."""

from __future__ import annotations

import base64
import binascii
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote

from publisher.sandbox import (
    apps,
    artifacts,
    control,
    developers,
    images,
    listings,
    parents,
    versions,
)
from publisher.sandbox.context import Context
from publisher.sandbox.envelope import ApiError, api_error, error_response
from publisher.sandbox.phrasing import Phrasing
from publisher.sandbox.streams import BodyError
from publisher.sandbox.wire import Request, Response, json_response

Handler = Callable[[Context, Request], Response]
CONTROL_PREFIX = "/_sandbox/"
_log = logging.getLogger("publisher.sandbox")


@dataclass(frozen=True)
class Route:
    method: str
    template: str
    handler: Handler
    auth: bool = True
    body_on_401: bool = False  # the spec declares an ErrorResponse for this endpoint's 401

    @property
    def pattern(self) -> re.Pattern[str]:
        regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(self.template))
        return re.compile(f"^{regex}$")


_APP = "/rest/3/app-software/{appSoftwareId}"
_VERSION = _APP + "/versions/{buildNumber}"
_PARENT = "/rest/3/parent-software/{parentSoftwareId}"
API_ROUTES = (
    Route("POST", "/rest/3/artifacts", artifacts.upload),
    Route("POST", "/rest/3/artifacts/fetch", artifacts.fetch),
    Route("GET", "/rest/3/artifacts/{artifactId}", artifacts.get),
    Route("GET", "/rest/3/artifacts/{artifactId}/download", artifacts.download),
    Route("POST", "/rest/3/assets/images/{imageType}", images.upload),
    Route("GET", "/rest/3/app-software/app-key/{appKey}", apps.by_app_key, body_on_401=True),
    Route("GET", _APP + "/versions", versions.list_versions, body_on_401=True),
    Route("POST", _APP + "/versions", versions.create_version),
    Route("GET", _VERSION, versions.get_version),
    Route("PUT", _VERSION, versions.update_version),
    Route("GET", _VERSION + "/listing", listings.get_listing),
    Route("POST", _VERSION + "/listing", listings.create_listing),
    Route("PUT", _VERSION + "/listing", listings.update_listing),
    Route("GET", _APP + "/listings/all", listings.all_listings),
    Route("GET", "/rest/3/parent-software", parents.list_products),
    Route("GET", _PARENT, parents.get_product),
    Route("GET", _PARENT + "/versions", parents.list_versions),
    Route("GET", _PARENT + "/versions/build/{buildNumber}", parents.version_by_build),
    Route(
        "GET",
        "/rest/3/parent-software/{id}/versions/number/{versionNumber}",
        parents.version_by_number,
    ),
    Route("GET", "/rest/3/developer-space/vendor/{vendorId}", developers.developer_by_vendor),
    Route("GET", "/rest/3/developer-space/{developerId}", developers.developer_space),
    Route(
        "GET",
        "/rest/3/product-listing/developer-space/{developerId}",
        developers.product_listings,
    ),
)
CONTROL_ROUTES = (
    Route("GET", "/_sandbox/journal", control.get_journal, auth=False),
    Route("DELETE", "/_sandbox/journal", control.clear_journal, auth=False),
    Route("GET", "/_sandbox/state", control.get_state, auth=False),
    Route("GET", "/_sandbox/faults", control.get_faults, auth=False),
    Route("POST", "/_sandbox/faults", control.add_faults, auth=False),
    Route("DELETE", "/_sandbox/faults", control.clear_faults, auth=False),
    Route(
        "POST",
        "/_sandbox/parent-software/{parentSoftwareId}/versions",
        control.add_parent_version,
        auth=False,
    ),
)


class Router:
    def __init__(self, routes: tuple[Route, ...]) -> None:
        self._routes = [(route, route.pattern) for route in routes]

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]] | list[str] | None:
        """(route, path params); or the allowed methods when only the method is wrong; or None.

        A literal segment beats a parameter: /artifacts/fetch is not /artifacts/{artifactId}.
        """
        found = [(route, m) for route, pattern in self._routes if (m := pattern.match(path))]
        if not found:
            return None
        fewest = min(route.template.count("{") for route, _ in found)
        found = [(route, m) for route, m in found if route.template.count("{") == fewest]
        for route, m in found:
            if route.method == method:
                return route, {k: unquote(v) for k, v in m.groupdict().items()}
        return [route.method for route, _ in found]


def basic_credentials(header: str | None) -> tuple[str, str] | None:
    if not header:
        return None
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    user, sep, token = decoded.partition(":")
    return (user, token) if sep else None


class MarketplaceApp:
    """Turns a Request into a Response; the HTTP server around it handles sockets and faults."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        control_routes = CONTROL_ROUTES if ctx.settings.control_api else ()
        self._router = Router(API_ROUTES + control_routes)
        self.phrasing = Phrasing(ctx.settings.validation_messages, ctx.settings.seed)

    def is_control(self, path: str) -> bool:
        return self.ctx.settings.control_api and path.startswith(CONTROL_PREFIX)

    def handle(self, req: Request) -> Response:
        refused = control.refusal(req) if self.is_control(req.path) else None
        if refused is not None:
            return refused
        try:
            return self._dispatch(req)
        except ApiError as exc:
            if exc.body is None:
                return Response(exc.status, b"", exc.headers)
            return json_response(exc.status, self.phrasing.apply(exc.body), exc.headers)

    def _dispatch(self, req: Request) -> Response:
        if req.path == "/rest/2" or req.path.startswith("/rest/2/"):
            raise api_error(
                410,
                "API_DEPRECATED",
                "API deprecated",
                "The Marketplace V2 REST APIs are deprecated and no longer available; "
                "use the V3 APIs under /rest/3",
            )
        found = self._router.match(req.method, req.path)
        if found is None:
            raise api_error(404, "NOT_FOUND", "Not found", f"No resource at {req.path}")
        if isinstance(found, list):
            raise api_error(
                405,
                "METHOD_NOT_ALLOWED",
                "Method not allowed",
                f"{req.method} is not supported here; use {', '.join(found)}",
                {"Allow": ", ".join(found)},
            )
        route, req.params = found
        settings = self.ctx.settings
        req.link_style, req.foreign_root = settings.link_style, settings.foreign_link_root
        req.page_cap = settings.max_page_size
        if route.auth:
            credentials = basic_credentials(req.headers.get("Authorization"))
            account = self.ctx.store.authenticate(*credentials) if credentials else None
            if account is None:
                body = (
                    error_response(
                        401,
                        "UNAUTHORIZED",
                        "Authentication required",
                        "Authentication required for API access",
                    )
                    if route.body_on_401
                    else None
                )
                raise ApiError(401, body)
            req.account = account
        try:
            return route.handler(self.ctx, req)
        except (ApiError, BodyError):
            raise
        except Exception:
            _log.exception("sandbox: unexpected error in %s %s", req.method, req.path)
            raise api_error(
                500,
                "INTERNAL_ERROR",
                "Internal server error",
                "An unexpected error occurred while processing the request",
            ) from None
