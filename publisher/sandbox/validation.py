"""Request-body checks for versions and version listings, phrased like Marketplace's errors.

Each problem is one `detail` string, "Invalid value for <dotted.path>. <reason>", with array
indexes left out as in the spec's examples ("highlights.screenshot.imageId"). Every problem in a
body is reported at once, each as its own entry in the `errors` array.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from publisher.sandbox.catalogue import Catalogue
from publisher.sandbox.settings import VERSION_STATES

MISSING = "Required field is missing"
PAYMENT_MODELS = ("free", "paid-via-atlassian", "paid-via-vendor")
FRAMEWORKS = ("connect", "forge", "plugin", "workflow", "external")
LICENSE_TYPES = {
    "atlassian-closed-source": "Atlassian Closed Source License",
    "commercial": "Commercial",
    "commercial-free": "Commercial Free",
    "bsd": "BSD",
    "asl": "Apache 2.0",
    "gpl": "GPL",
    "lgpl": "LGPL",
    "epl": "EPL",
}
LISTING_STATES = ("PRIVATE", "PUBLIC")
APPROVAL_STATUSES = ("APPROVED", "REJECTED", "PENDING_REVIEW", "SUBMITTED", "UNINITIATED")
# Build numbers are required for these frameworks; Marketplace generates them for connect/forge.
_NEEDS_BUILD = ("plugin", "workflow", "external")
_NEEDS_VERSION = ("plugin", "forge")
_HOSTINGS_OF = {
    "plugin": ("server", "datacenter"),
    "workflow": ("server", "datacenter"),
    "connect": ("cloud",),
    "forge": ("cloud",),
    "external": ("cloud", "server", "datacenter"),
}


class Problems:
    def __init__(self) -> None:
        self.details: list[str] = []

    def add(self, path: str, reason: str) -> None:
        detail = f"Invalid value for {path}. {reason}"
        if detail not in self.details:
            self.details.append(detail)

    # Each check returns the value when it is usable, else None (after recording the problem).
    def field(self, obj: dict[str, Any], key: str, path: str, required: bool) -> Any:
        if key not in obj or obj[key] is None:
            if required:
                self.add(path, MISSING)
            return None
        return obj[key]

    def string(self, obj: dict[str, Any], key: str, path: str, required: bool = False) -> Any:
        value = self.field(obj, key, path, required)
        if value is not None and not isinstance(value, str):
            self.add(path, "Must be a string")
            return None
        if required and value is not None and not value.strip():
            self.add(path, "Must not be blank")
            return None
        return value

    def boolean(self, obj: dict[str, Any], key: str, path: str, required: bool = False) -> Any:
        value = self.field(obj, key, path, required)
        if value is not None and not isinstance(value, bool):
            self.add(path, "Must be a boolean")
            return None
        return value

    def integer(self, obj: dict[str, Any], key: str, path: str, required: bool = False) -> Any:
        value = self.field(obj, key, path, required)
        if value is None:
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.add(path, "Must be a non-negative integer")
            return None
        return value

    def enum(
        self, obj: dict[str, Any], key: str, path: str, allowed: tuple[str, ...], required: bool
    ) -> Any:
        value = self.field(obj, key, path, required)
        if value is not None and value not in allowed:
            self.add(path, f"Must be one of: {', '.join(allowed)}")
            return None
        return value

    def mapping(self, obj: dict[str, Any], key: str, path: str, required: bool = False) -> Any:
        value = self.field(obj, key, path, required)
        if value is not None and not isinstance(value, dict):
            self.add(path, "Must be an object")
            return None
        return value

    def array(self, obj: dict[str, Any], key: str, path: str, required: bool = False) -> Any:
        value = self.field(obj, key, path, required)
        if value is not None and not isinstance(value, list):
            self.add(path, "Must be an array")
            return None
        return value

    def items(self, values: list[Any], path: str) -> list[dict[str, Any]]:
        good = [v for v in values if isinstance(v, dict)]
        if len(good) != len(values):
            self.add(path, "Must be an array of objects")
        return good

    def url(self, obj: dict[str, Any], key: str, path: str) -> None:
        value = self.string(obj, key, path)
        if value is not None and not is_url(value):
            self.add(path, "Must be a valid URL")


def is_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


# ---- versions -----------------------------------------------------------------------------------

ArtifactLookup = Callable[[str], "dict[str, Any] | None"]


def check_version(
    body: Any,
    *,
    app_key: str,
    hosting: str,
    catalogue: Catalogue,
    artifact: ArtifactLookup,
    update: bool,
) -> list[str]:
    """Problems with an AppSoftwareVersionCreateRequest (update=False) or UpdateRequest."""
    if not isinstance(body, dict):
        return ["Request body must be a JSON object"]
    p = Problems()
    framework = _framework(p, body, app_key, hosting, artifact)
    build_required = update or framework in _NEEDS_BUILD
    p.integer(body, "buildNumber", "buildNumber", required=build_required)
    version = p.string(
        body, "versionNumber", "versionNumber", update or framework in _NEEDS_VERSION
    )
    if version is not None and not version.strip():
        p.add("versionNumber", "Must not be blank")
    _compatibilities(p, body, hosting, catalogue)
    p.enum(body, "supportedPaymentModel", "supportedPaymentModel", PAYMENT_MODELS, True)
    p.boolean(body, "supported", "supported", required=True)
    p.boolean(body, "beta", "beta", required=True)
    p.boolean(body, "editionsEnabled", "editionsEnabled")
    license_type = p.mapping(body, "licenseType", "licenseType")
    if license_type is not None:
        p.enum(license_type, "id", "licenseType.id", tuple(LICENSE_TYPES), True)
    source = p.mapping(body, "sourceCodeLicense", "sourceCodeLicense")
    if source is not None:
        p.url(source, "url", "sourceCodeLicense.url")
    changelog = p.mapping(body, "changelog", "changelog")
    if changelog is not None:
        p.string(changelog, "releaseSummary", "changelog.releaseSummary")
        p.string(changelog, "releaseNotes", "changelog.releaseNotes")
    _agreements(p, body, required=not update)
    if update:
        p.enum(body, "state", "state", VERSION_STATES, True)
        p.integer(body, "revision", "revision", required=True)
    return p.details


def _framework(
    p: Problems, body: dict[str, Any], app_key: str, hosting: str, artifact: ArtifactLookup
) -> str | None:
    details = p.mapping(body, "frameworkDetails", "frameworkDetails", required=True)
    if details is None:
        return None
    framework = p.enum(details, "frameworkId", "frameworkDetails.frameworkId", FRAMEWORKS, True)
    attributes = p.mapping(details, "attributes", "frameworkDetails.attributes", required=True)
    if framework is None:
        return None
    if hosting not in _HOSTINGS_OF[framework]:
        p.add(
            "frameworkDetails.frameworkId",
            f"Framework {framework} is not supported for {hosting} app software",
        )
    if attributes is None:
        return str(framework)
    path = "frameworkDetails.attributes"
    if framework in ("plugin", "workflow"):
        artifact_id = p.string(attributes, "artifactId", f"{path}.artifactId", required=True)
        if artifact_id is not None:
            _artifact(p, artifact_id, app_key, framework, artifact)
        if framework == "plugin":
            p.enum(
                attributes,
                "pluginFrameworkType",
                f"{path}.pluginFrameworkType",
                ("P1", "P2"),
                False,
            )
            p.string(attributes, "descriptorId", f"{path}.descriptorId")
    elif framework == "connect":
        p.string(attributes, "descriptorId", f"{path}.descriptorId", required=True)
        _strings(p, attributes, "scopes", f"{path}.scopes", required=True)
        p.url(attributes, "descriptorUrl", f"{path}.descriptorUrl")
    elif framework == "forge":
        for key in ("appId", "versionId", "envId"):
            p.string(attributes, key, f"{path}.{key}", required=True)
        _strings(p, attributes, "scopes", f"{path}.scopes", required=True)
        _strings(p, attributes, "appAccess", f"{path}.appAccess", required=False)
    else:  # external
        p.boolean(attributes, "authorization", f"{path}.authorization", required=True)
        p.url(attributes, "binaryUrl", f"{path}.binaryUrl")
    return str(framework)


def _artifact(
    p: Problems, artifact_id: str, app_key: str, framework: str, artifact: ArtifactLookup
) -> None:
    path = "frameworkDetails.attributes.artifactId"
    record = artifact(artifact_id) if is_uuid(artifact_id) else None
    if not is_uuid(artifact_id):
        p.add(path, "Must be a valid UUID")
    elif record is None:  # also another account's artifact: its existence is not revealed
        p.add(path, "Artifact not found")
    elif framework == "plugin" and record.get("key") != app_key:
        p.add(
            path,
            f"The artifact's plugin key '{record.get('key')}' does not match the app "
            f"key '{app_key}'",
        )


def _strings(p: Problems, obj: dict[str, Any], key: str, path: str, required: bool) -> None:
    values = p.array(obj, key, path, required)
    if values is not None and not all(isinstance(v, str) for v in values):
        p.add(path, "Must be an array of strings")


def _compatibilities(p: Problems, body: dict[str, Any], hosting: str, cat: Catalogue) -> None:
    values = p.array(body, "compatibilities", "compatibilities", required=True)
    if values is None:
        return
    if not values:
        p.add("compatibilities", "Must have at least one item")
    seen: set[str] = set()
    for item in p.items(values, "compatibilities"):
        path = "compatibilities"
        parent_id = p.string(item, "parentSoftwareId", f"{path}.parentSoftwareId", required=True)
        ranged = hosting != "cloud"  # server/DC compatibility is a build-number range
        low = p.integer(item, "minBuildNumber", f"{path}.minBuildNumber", required=ranged)
        high = p.integer(item, "maxBuildNumber", f"{path}.maxBuildNumber", required=ranged)
        if parent_id is None:
            continue
        product = cat.product(parent_id)
        if product is None:
            p.add(f"{path}.parentSoftwareId", f"Parent software '{parent_id}' not found")
            continue
        if parent_id in seen:
            p.add(f"{path}.parentSoftwareId", f"Parent software '{parent_id}' is listed twice")
        seen.add(parent_id)
        if hosting not in [h.get("hosting") for h in product.get("hostingOptions", [])]:
            p.add(f"{path}.parentSoftwareId", f"{product['name']} has no {hosting} hosting")
        for bound, name in ((low, "minBuildNumber"), (high, "maxBuildNumber")):
            if bound is not None and cat.version_by_build(parent_id, bound) is None:
                p.add(f"{path}.{name}", f"No {product['name']} version has build number {bound}")
        if low is not None and high is not None and low > high:
            p.add(f"{path}.minBuildNumber", "Must not be greater than maxBuildNumber")


def _agreements(p: Problems, body: dict[str, Any], required: bool) -> None:
    values = p.array(body, "acceptedAgreements", "acceptedAgreements", required=required)
    for item in p.items(values or [], "acceptedAgreements"):
        p.url(item, "agreementUrl", "acceptedAgreements.agreementUrl")
        p.string(item, "acceptedBy", "acceptedAgreements.acceptedBy")
        accepted_at = p.string(item, "acceptedAt", "acceptedAgreements.acceptedAt")
        if accepted_at is not None and not is_datetime(accepted_at):
            p.add("acceptedAgreements.acceptedAt", "Must be an ISO 8601 date-time")


def is_datetime(value: str) -> bool:
    try:
        datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return "T" in value


# ---- version listings ---------------------------------------------------------------------------

ImageCheck = Callable[[str], "str | None"]  # an image id -> a reason it is unusable, or None


def check_listing(body: Any, *, update: bool, image: ImageCheck) -> list[str]:
    """Problems with a Create/UpdateAppSoftwareVersionListingV3Request."""
    if not isinstance(body, dict):
        return ["Request body must be a JSON object"]
    p = Problems()
    p.enum(body, "state", "state", LISTING_STATES, True)
    if update:
        p.enum(body, "approvalStatus", "approvalStatus", APPROVAL_STATUSES, True)
        p.integer(body, "revision", "revision", required=True)
    for key in ("moreDetails", "youtubeId"):
        p.string(body, key, key)
    _image(p, body, "heroImage", "heroImage", image, required=False)
    for shot in p.items(p.array(body, "screenshots", "screenshots") or [], "screenshots"):
        _screenshot(p, shot, "screenshots", image)
    highlights = p.array(body, "highlights", "highlights")
    if highlights:
        if len(highlights) != 3:
            p.add("highlights", "The array size should be exactly 3")
        for item in p.items(highlights, "highlights"):
            for key in ("title", "caption", "summary"):
                p.string(item, key, f"highlights.{key}")
            shot = p.mapping(item, "screenshot", "highlights.screenshot", required=True)
            if shot is not None:
                _screenshot(p, shot, "highlights.screenshot", image)
            _image(p, item, "thumbnail", "highlights.thumbnail", image, required=False)
    steps = p.array(body, "deploymentInstructions", "deploymentInstructions") or []
    for step in p.items(steps, "deploymentInstructions"):
        p.string(step, "body", "deploymentInstructions.body", required=True)
        shot = p.mapping(step, "screenshot", "deploymentInstructions.screenshot")
        if shot is not None:
            _screenshot(p, shot, "deploymentInstructions.screenshot", image)
    links = p.mapping(body, "developerLinks", "developerLinks")
    if links is not None:
        for key in ("documentation", "learnMore", "eula", "purchase"):
            p.url(links, key, f"developerLinks.{key}")
        p.boolean(links, "bonTermsSupported", "developerLinks.bonTermsSupported")
        p.string(links, "partnerSpecificTerms", "developerLinks.partnerSpecificTerms")
    return p.details


def _screenshot(p: Problems, shot: dict[str, Any], path: str, image: ImageCheck) -> None:
    p.string(shot, "caption", f"{path}.caption")
    _image(p, shot, "imageId", f"{path}.imageId", image, required=True)


def _image(
    p: Problems, obj: dict[str, Any], key: str, path: str, image: ImageCheck, required: bool
) -> None:
    value = p.string(obj, key, path, required)
    if value is not None:
        reason = image(value)
        if reason:
            p.add(path, reason)
