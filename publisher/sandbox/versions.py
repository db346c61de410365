"""App software versions: list, get, create (POST, 201 no body), update (PUT, full replace)."""

from __future__ import annotations

import copy
import time
from typing import Any

from publisher.sandbox import readback
from publisher.sandbox.apps import owned_app
from publisher.sandbox.context import Context
from publisher.sandbox.envelope import ApiError, api_error, invalid_parameter, validation_error
from publisher.sandbox.orders import ordered_builds
from publisher.sandbox.paging import paginate
from publisher.sandbox.settings import VERSION_STATES
from publisher.sandbox.state import AppSoftware
from publisher.sandbox.validation import LICENSE_TYPES, PAYMENT_MODELS, check_version
from publisher.sandbox.wire import BadJson, Request, Response, empty_response, json_response

# What a version document keeps from a request. acceptedAgreements is write-only: the spec's
# AppSoftwareVersionGetResponse does not return it.
STORED_FIELDS = (
    "buildNumber",
    "versionNumber",
    "compatibilities",
    "supportedPaymentModel",
    "frameworkDetails",
    "licenseType",
    "sourceCodeLicense",
    "changelog",
    "supported",
    "beta",
    "editionsEnabled",
)


def now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def build_from_path(req: Request) -> int:
    raw = req.params["buildNumber"]
    if not raw.isdigit():
        raise invalid_parameter(f"Invalid build number '{raw}'. Build number must be an integer")
    return int(raw)


def version_not_found(app: AppSoftware, build: int) -> ApiError:
    return api_error(
        404,
        "APP_SOFTWARE_VERSION_NOT_FOUND",
        "App software version not found",
        f"No version with build number {build} found for app software '{app.id}'",
    )


def _body(req: Request) -> Any:
    try:
        return req.read_json()
    except BadJson as exc:
        raise validation_error([str(exc)]) from None


def _check(ctx: Context, req: Request, app: AppSoftware, body: Any, update: bool) -> list[str]:
    def artifact(artifact_id: str) -> dict[str, Any] | None:
        record = ctx.store.artifacts.get(artifact_id.lower())
        return record if record is not None and record["owner"] == req.account else None

    return check_version(
        body,
        app_key=app.app_key,
        hosting=app.hosting,
        catalogue=ctx.catalogue,
        artifact=artifact,
        update=update,
    )


def _stored(body: dict[str, Any]) -> dict[str, Any]:
    doc = {k: copy.deepcopy(body[k]) for k in STORED_FIELDS if body.get(k) is not None}
    if isinstance(doc.get("buildNumber"), float):
        doc["buildNumber"] = int(doc["buildNumber"])
    if "licenseType" in doc:
        license_id = doc["licenseType"]["id"]
        doc["licenseType"] = {"id": license_id, "name": LICENSE_TYPES[license_id]}
    return doc


def list_versions(ctx: Context, req: Request) -> Response:
    app = owned_app(ctx, req, forbidden=False, bare_404=False)
    with ctx.store.lock:
        builds = ordered_builds(ctx.settings, app.id, app.versions)
        versions = _filtered(req, copy.deepcopy([app.versions[b] for b in builds]))
    page, links = paginate(req, versions)
    return json_response(200, {"links": links, "versions": page, "totalCount": len(versions)})


def _filtered(req: Request, versions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for name, allowed in (("paymentModel", PAYMENT_MODELS), ("state", VERSION_STATES)):
        value = req.query_one(name)
        if value is not None and value not in allowed:
            raise invalid_parameter(
                f"Invalid {name} provided. Must be one of: {', '.join(allowed)}"
            )
    payment, state = req.query_one("paymentModel"), req.query_one("state")
    parent, parent_build = (
        req.query_one("parentSoftwareId"),
        req.query_one("parentSoftwareVersionId"),
    )
    after = req.query_one("afterVersion")
    if parent_build is not None and not parent_build.isdigit():
        raise invalid_parameter("Invalid parentSoftwareVersionId provided. Must be a number")
    if after is not None:
        match = [v["buildNumber"] for v in versions if v.get("versionNumber") == after]
        if not match:
            raise invalid_parameter(f"Invalid afterVersion provided. No version '{after}' exists")
        versions = [v for v in versions if v["buildNumber"] > match[0]]

    def compatible(version: dict[str, Any]) -> bool:
        for c in version.get("compatibilities", []):
            if parent is not None and c.get("parentSoftwareId") != parent:
                continue
            low, high = c.get("minBuildNumber", 0), c.get("maxBuildNumber", float("inf"))
            if parent_build is None or low <= int(parent_build) <= high:
                return True
        return False

    return [
        v
        for v in versions
        if (payment is None or v.get("supportedPaymentModel") == payment)
        and (state is None or v.get("state") == state)
        and ((parent is None and parent_build is None) or compatible(v))
    ]


def get_version(ctx: Context, req: Request) -> Response:
    app = owned_app(ctx, req, forbidden=False, bare_404=False)
    build = build_from_path(req)
    with ctx.store.lock:
        doc = app.versions.get(build)
        if doc is None:
            raise version_not_found(app, build)
        return json_response(200, doc)


def _refuse_archived(app: AppSoftware) -> None:
    # GUESS: writes to an archived app software are refused rather than silently kept.
    if app.archived:
        raise validation_error(
            [f"App software '{app.id}' is archived; versions cannot be created or changed"]
        )


def create_version(ctx: Context, req: Request) -> Response:
    app = owned_app(ctx, req, forbidden=True, bare_404=False)
    _refuse_archived(app)
    body = _body(req)
    with ctx.store.lock:
        problems = _check(ctx, req, app, body, update=False)
        if problems:
            raise validation_error(problems)
        doc = readback.version(ctx.settings, _stored(body))
        framework = body["frameworkDetails"]["frameworkId"]
        if "buildNumber" not in doc:  # connect and forge: Marketplace numbers the build
            doc["buildNumber"] = max(app.versions, default=0) + 1
        if "versionNumber" not in doc and framework == "connect":
            doc["versionNumber"] = f"1.0.{doc['buildNumber']}"
        build = doc["buildNumber"]
        if build in app.versions:
            raise validation_error(["Build number already exists"])
        created = now_iso()
        state = ctx.settings.created_version_state
        doc.update(
            state=state,
            revision=1,
            createdBy=req.account,
            createdAt=created,
            approvalDetails={"submittedAt": created},
            releaseDetails={"releasedAt": created, "releasedBy": req.account},
        )
        app.versions[build] = doc
    location = f"{req.base_url}/rest/3/app-software/{app.id}/versions/{build}"
    return empty_response(201, {"Location": location})


def update_version(ctx: Context, req: Request) -> Response:
    app = owned_app(ctx, req, forbidden=False, bare_404=False)
    _refuse_archived(app)
    build = build_from_path(req)
    with ctx.store.lock:
        if build not in app.versions:
            raise version_not_found(app, build)
    body = _body(req)
    with ctx.store.lock:
        current = app.versions.get(build)
        if current is None:
            raise version_not_found(app, build)
        problems = _check(ctx, req, app, body, update=True)
        if not problems and int(body["buildNumber"]) != build:
            problems.append(
                f"Invalid value for buildNumber. Must match the build number in the path ({build})"
            )
        if problems:
            raise validation_error(problems)
        if int(body["revision"]) != current["revision"]:
            raise api_error(
                400, "REVISION_MISMATCH", "Revision mismatch", "A more recent revision is available"
            )
        if body["state"] != current["state"]:
            raise validation_error(
                [
                    "Invalid value for state. State transitions are not enabled using this API; "
                    "use the Marketplace UI"
                ]
            )
        _refuse_artifact_swap(ctx, current, body)
        kept = {k: current[k] for k in current if k not in STORED_FIELDS}
        stored = readback.version(ctx.settings, _stored(body))
        app.versions[build] = {**stored, **kept, "revision": current["revision"] + 1}
    return empty_response(200)


def _artifact_of(doc: dict[str, Any]) -> str:
    attributes = (doc.get("frameworkDetails") or {}).get("attributes") or {}
    return str(attributes.get("artifactId") or "").lower()


def _refuse_artifact_swap(ctx: Context, current: dict[str, Any], body: dict[str, Any]) -> None:
    """GUESS: a version past draft keeps its binary (what users installed must stay the same)."""
    old, new = _artifact_of(current), _artifact_of(body)
    if old and new and old != new and current["state"] not in ctx.settings.artifact_change_states:
        raise validation_error(
            [
                "Invalid value for frameworkDetails.attributes.artifactId. The artifact of a "
                f"{current['state']} version cannot be replaced"
            ]
        )
