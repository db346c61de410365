"""Release -> the JSON documents Marketplace stores, and API field names -> release.yml keys.

`version_document` and `listing_document` give the fields release.yml controls, their text with
LF line endings (publisher.publish.compare). `merged` lays them
over a live document, so keys release.yml leaves out keep their live values and server-owned
fields (state, revision, approval details) are never changed.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass

from publisher.config.model import Listing, Release
from publisher.config.yamldoc import Path as KeyPath
from publisher.diagnostics import Diagnostic, error
from publisher.marketplace.answers import Json
from publisher.marketplace.errors import ApiError
from publisher.publish.compare import lf_text

# Fields of the version update request (AppSoftwareVersionUpdateRequest); the rest is server-owned.
VERSION_FIELDS = (
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
    "acceptedAgreements",
    "editionsEnabled",
)
LISTING_FIELDS = (
    "state",
    "screenshots",
    "highlights",
    "heroImage",
    "moreDetails",
    "youtubeId",
    "deploymentInstructions",
    "developerLinks",
)


@dataclass(frozen=True)
class ResolvedCompatibility:
    parent_software_id: str
    min_build: int | str  # a str is a dry-run placeholder
    max_build: int | str


def version_document(
    release: Release,
    artifact_id: str,
    compatibilities: list[ResolvedCompatibility],
    *,
    release_notes: str | None,
) -> Json:
    """The create request body; as an update, its keys replace the live ones. `release_notes`:
    the rendered HTML the plan carries (publish/notes.py), never rendered again here."""
    attributes: Json = {"artifactId": artifact_id}
    if release.plugin_type:
        attributes["pluginFrameworkType"] = release.plugin_type
    body: Json = {
        "buildNumber": release.build,
        "versionNumber": release.version,
        "compatibilities": [
            {
                "parentSoftwareId": c.parent_software_id,
                "minBuildNumber": c.min_build,
                "maxBuildNumber": c.max_build,
            }
            for c in compatibilities
        ],
        "supportedPaymentModel": release.payment,
        "frameworkDetails": {"frameworkId": release.framework, "attributes": attributes},
        "supported": release.supported,
        "beta": release.beta,
        "acceptedAgreements": [{"agreementUrl": release.agreement}],
    }
    if release.license:
        body["licenseType"] = {"id": release.license}
    if release.source_license:
        body["sourceCodeLicense"] = {"url": release.source_license}
    changelog = {
        k: v
        for k, v in (
            ("releaseSummary", release.changelog.summary),
            ("releaseNotes", release_notes),
        )
        if v is not None
    }
    if changelog:
        body["changelog"] = changelog
    return lf_text(body)


def listing_document(listing: Listing, image_ids: Mapping[KeyPath, str]) -> Json:
    """The listing create body; `image_ids` maps each image's release.yml key to its id."""
    body: Json = {"state": listing.state.upper()}
    if listing.screenshots:
        body["screenshots"] = [
            _drop_none({"imageId": image_ids[s.image.key], "caption": s.caption})
            for s in listing.screenshots
        ]
    if listing.highlights:
        body["highlights"] = [
            _drop_none(
                {
                    "title": h.title,
                    "summary": h.summary,
                    "caption": h.caption,
                    "screenshot": _drop_none(
                        {"imageId": image_ids[h.screenshot.key], "caption": h.screenshot_caption}
                    ),
                    "thumbnail": image_ids[h.thumbnail.key] if h.thumbnail else None,
                }
            )
            for h in listing.highlights
        ]
    if listing.hero:
        body["heroImage"] = image_ids[listing.hero.key]
    if listing.more_details is not None:
        body["moreDetails"] = listing.more_details
    if listing.youtube is not None:
        body["youtubeId"] = listing.youtube
    if listing.deployment_instructions:
        body["deploymentInstructions"] = [
            _drop_none(
                {
                    "body": d.body,
                    "screenshot": _drop_none(
                        {"imageId": image_ids[d.screenshot.key], "caption": d.caption}
                    )
                    if d.screenshot
                    else None,
                }
            )
            for d in listing.deployment_instructions
        ]
    if listing.links:
        links = listing.links
        body["developerLinks"] = _drop_none(
            {
                "documentation": links.documentation,
                "learnMore": links.learn_more,
                "eula": links.eula,
                "purchase": links.purchase,
                "bonTermsSupported": links.bon_terms_supported,
                "partnerSpecificTerms": links.partner_specific_terms,
            }
        )
    return lf_text(body)


def comparable_version(live: Json) -> Json:
    """The live version as an update body without server-owned fields, normalised for diffing."""
    doc = {k: copy.deepcopy(live[k]) for k in VERSION_FIELDS if live.get(k) is not None}
    if isinstance(doc.get("licenseType"), dict):
        doc["licenseType"] = {"id": doc["licenseType"].get("id")}
    if isinstance(doc.get("compatibilities"), list):
        doc["compatibilities"] = sorted(
            (
                {k: c.get(k) for k in ("parentSoftwareId", "minBuildNumber", "maxBuildNumber")}
                for c in doc["compatibilities"]
                if isinstance(c, dict)
            ),
            key=lambda c: str(c["parentSoftwareId"]),
        )
    if isinstance(doc.get("acceptedAgreements"), list):
        doc["acceptedAgreements"] = [
            {"agreementUrl": a.get("agreementUrl")}
            for a in doc["acceptedAgreements"]
            if isinstance(a, dict)
        ]
    return doc


def merged_version(live: Json, desired: Json) -> Json:
    """`desired` laid over the live version: what release.yml omits keeps its live value."""
    doc = comparable_version(live)
    for key, value in desired.items():
        if key == "changelog" and isinstance(doc.get("changelog"), dict):
            doc["changelog"] = {**doc["changelog"], **value}
        elif key == "frameworkDetails" and isinstance(doc.get("frameworkDetails"), dict):
            live_attrs = doc["frameworkDetails"].get("attributes") or {}
            doc["frameworkDetails"] = {
                "frameworkId": value["frameworkId"],
                "attributes": {**live_attrs, **value["attributes"]},
            }
        elif key == "acceptedAgreements":
            continue  # accepted when the version is created; GET does not return them
        else:
            doc[key] = copy.deepcopy(value)
    if isinstance(doc.get("compatibilities"), list):
        doc["compatibilities"] = sorted(
            doc["compatibilities"], key=lambda c: str(c["parentSoftwareId"])
        )
    return doc


def comparable_listing(live: Json) -> Json:
    return {k: copy.deepcopy(live[k]) for k in LISTING_FIELDS if live.get(k) is not None}


def merged_listing(live: Json, desired: Json) -> Json:
    return {**comparable_listing(live), **copy.deepcopy(desired)}


# -- API field -> release.yml key, for errors that name a request field -------------------------

_FIELD_KEYS: dict[str, KeyPath] = {
    "buildNumber": ("build",),
    "versionNumber": ("version",),
    "compatibilities": ("compatibility",),
    "compatibilities.parentSoftwareId": ("compatibility", "*", "product"),
    "compatibilities.minBuildNumber": ("compatibility", "*", "min"),
    "compatibilities.maxBuildNumber": ("compatibility", "*", "max"),
    "supportedPaymentModel": ("payment",),
    "frameworkDetails": ("framework",),
    "frameworkDetails.frameworkId": ("framework",),
    "frameworkDetails.attributes.artifactId": ("artifact",),
    "frameworkDetails.attributes.pluginFrameworkType": ("plugin_type",),
    "licenseType": ("license",),
    "sourceCodeLicense": ("source_license",),
    "changelog": ("release",),
    "changelog.releaseSummary": ("release", "summary"),
    "changelog.releaseNotes": ("release", "notes"),
    "supported": ("supported",),
    "beta": ("beta",),
    "acceptedAgreements": ("agreement",),
    "state": ("listing", "state"),
    "screenshots": ("listing", "screenshots"),
    "screenshots.imageId": ("listing", "screenshots", "*", "image"),
    "screenshots.caption": ("listing", "screenshots", "*", "caption"),
    "highlights": ("listing", "highlights"),
    "highlights.title": ("listing", "highlights", "*", "title"),
    "highlights.summary": ("listing", "highlights", "*", "summary"),
    "highlights.caption": ("listing", "highlights", "*", "caption"),
    "highlights.screenshot": ("listing", "highlights", "*", "screenshot"),
    "highlights.screenshot.imageId": ("listing", "highlights", "*", "screenshot"),
    "highlights.screenshot.caption": ("listing", "highlights", "*", "screenshot_caption"),
    "highlights.thumbnail": ("listing", "highlights", "*", "thumbnail"),
    "heroImage": ("listing", "hero"),
    "moreDetails": ("listing", "more_details"),
    "youtubeId": ("listing", "youtube"),
    "deploymentInstructions": ("listing", "deployment_instructions"),
    "developerLinks": ("listing", "links"),
    "developerLinks.documentation": ("listing", "links", "documentation"),
    "developerLinks.learnMore": ("listing", "links", "learn_more"),
    "developerLinks.eula": ("listing", "links", "eula"),
    "developerLinks.purchase": ("listing", "links", "purchase"),
    "developerLinks.bonTermsSupported": ("listing", "links", "bon_terms_supported"),
    "developerLinks.partnerSpecificTerms": ("listing", "links", "partner_specific_terms"),
}
_INDEX = re.compile(r"\[(\d+)\]|\.(\d+)(?=\.|$)")


def release_key(field: str, release: Release) -> KeyPath | None:
    """The release.yml key that produced an API field ("changelog.releaseNotes" -> notes)."""
    indices = [int(a or b) for a, b in _INDEX.findall(field)]
    bare = _INDEX.sub("", field)
    parts = bare.split(".")
    for end in range(len(parts), 0, -1):
        key = _FIELD_KEYS.get(".".join(parts[:end]))
        if key is None:
            continue
        if key == ("release", "notes") and release.changelog.notes_key:
            return release.changelog.notes_key
        if "*" in key:
            star = key.index("*")
            return key[:star] + ((indices[0], *key[star + 1 :]) if indices else ())
        return key
    return None


def located_api_errors(exc: ApiError, release: Release) -> list[Diagnostic]:
    """Marketplace's complaints about request fields, each at the release.yml line it came from
    (the one place API errors are mapped to lines)."""
    found = []
    for entry in exc.entries:
        key = release_key(entry.field, release) if entry.field else None
        if key is None:
            continue
        dotted = ".".join(str(k) for k in key)
        message = f"Marketplace rejected {entry.field} (from `{dotted}`): {entry.detail}"
        found.append(error(message, release.locate(key), dotted))
    return found


def _drop_none(values: Json) -> Json:
    return {k: v for k, v in values.items() if v is not None}
