"""What a publish will do, as data: the artifact, the images, and per hosting the version and its
listing, each a create, an update (with its JSON Patch) or nothing. The planner (plan.py) builds
it; the executor, the plan's description and the result document read it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from publisher.config.model import Release
from publisher.config.yamldoc import Path as KeyPath
from publisher.marketplace.answers import Json
from publisher.publish.listing_state import ListingStateChoice
from publisher.publish.liveimages import ImagesChoice
from publisher.publish.payloads import ResolvedCompatibility

Action = Literal["create", "update", "unchanged", "skip"]
ARTIFACT_PLACEHOLDER = "<artifact id, assigned on upload>"


@dataclass(frozen=True)
class ArtifactPlan:
    action: Literal["upload", "fetch", "reuse"]
    source: str  # the path as written in release.yml, or the URL
    path: Path | None = None
    url: str | None = None
    size: int | None = None
    sha512: str | None = None
    reuse_id: str | None = None
    reason: str = ""
    differences: tuple[str, ...] = ()  # a rebuilt jar's entries unlike the live artifact's

    @property
    def upload_size(self) -> int | None:
        """The bytes an upload will send (counted against Marketplace's limits); None: no upload."""
        return self.size if self.action == "upload" else None


@dataclass(frozen=True)
class ImagePlan:
    path: Path
    image_type: str
    sha512: str
    size: int
    keys: tuple[KeyPath, ...]  # every place in release.yml that uses this file as this type
    reuse_id: str | None = None  # uploaded by an earlier run (journal)
    source: str = ""  # the path as the user wrote it (relative to release.yml)
    kept: bool = False  # no record, but every live listing has it in place (--images keep)


@dataclass(frozen=True)
class DocumentPlan:
    action: Action
    live: Json | None = None
    desired: Json | None = None  # the create body, or the merged document of an update
    patch: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class HostingPlan:
    hosting: str
    app_software_id: str
    version: DocumentPlan
    listing: DocumentPlan
    kept_images: tuple[tuple[KeyPath, str], ...] = ()  # live image ids kept, by release.yml key


@dataclass(frozen=True)
class PlanChoices:
    """What the user decided where the plan cannot decide alone (see README, "Choices")."""

    images: ImagesChoice = "keep"
    allow_duplicate_version: bool = False
    listing_state: ListingStateChoice = "keep"  # "release": set a live listing's state too


@dataclass(frozen=True)
class Plan:
    release: Release
    online: bool  # False: a dry run without credentials, nothing was read from Marketplace
    artifact: ArtifactPlan
    images: tuple[ImagePlan, ...]
    compatibilities: tuple[ResolvedCompatibility, ...]
    hostings: tuple[HostingPlan, ...]
    notes: tuple[str, ...] = field(default=())
    choices: PlanChoices = field(default=PlanChoices())  # what the executor must honour too
    release_notes: str | None = None  # changelog.releaseNotes as sent: rendered once, at planning

    @property
    def writes_needed(self) -> bool:
        return (
            self.artifact.action != "reuse"
            or any(i.reuse_id is None and not i.kept for i in self.images)
            or any(
                h.version.action in ("create", "update") or h.listing.action in ("create", "update")
                for h in self.hostings
            )
        )


def placeholder(image: ImagePlan) -> str:
    return f"<{image.image_type} id of {image.path.name}>"
