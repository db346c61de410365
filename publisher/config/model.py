"""The validated release: immutable values that the later stages read, never change."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from publisher.config.yamldoc import Path as KeyPath
from publisher.config.yamldoc import YamlDocument
from publisher.diagnostics import Location
from publisher.files.regular import CheckedFile

ImageType = Literal["screenshot", "screenshot-thumbnail", "hero"]


@dataclass(frozen=True)
class Artifact:
    """A local file to upload, or a URL that Marketplace fetches itself."""

    path: Path | None = None
    url: str | None = None

    @property
    def display(self) -> str:
        return self.url if self.url else str(self.path)


@dataclass(frozen=True)
class Compatibility:
    product: str
    min: str | int  # a product version ("9.12.0") or a build number (912000)
    max: str | int
    key: KeyPath  # where it stands in release.yml


@dataclass(frozen=True)
class Changelog:
    summary: str | None = None
    notes: str | None = None
    notes_key: KeyPath | None = None  # release.notes or release.notes_file
    notes_format: Literal["markdown", "html"] = "markdown"


@dataclass(frozen=True)
class Image:
    """A listing image file and the Marketplace image type it is uploaded as."""

    path: Path
    image_type: ImageType
    key: KeyPath


@dataclass(frozen=True)
class Screenshot:
    image: Image
    caption: str | None = None


@dataclass(frozen=True)
class Highlight:
    screenshot: Image
    title: str | None = None
    summary: str | None = None
    caption: str | None = None
    screenshot_caption: str | None = None
    thumbnail: Image | None = None


@dataclass(frozen=True)
class DeploymentInstruction:
    body: str
    screenshot: Image | None = None
    caption: str | None = None


@dataclass(frozen=True)
class Links:
    documentation: str | None = None
    learn_more: str | None = None
    eula: str | None = None
    purchase: str | None = None
    bon_terms_supported: bool | None = None
    partner_specific_terms: str | None = None


@dataclass(frozen=True)
class Listing:
    state: Literal["public", "private"]
    screenshots: tuple[Screenshot, ...] = ()
    highlights: tuple[Highlight, ...] = ()
    hero: Image | None = None
    more_details: str | None = None
    youtube: str | None = None
    links: Links | None = None
    deployment_instructions: tuple[DeploymentInstruction, ...] = ()

    def images(self) -> list[Image]:
        """Every image the listing uses, in release.yml order."""
        found: list[Image] = [s.image for s in self.screenshots]
        for h in self.highlights:
            found.append(h.screenshot)
            if h.thumbnail:
                found.append(h.thumbnail)
        if self.hero:
            found.append(self.hero)
        found.extend(d.screenshot for d in self.deployment_instructions if d.screenshot)
        return found


@dataclass(frozen=True)
class Release:
    app: str
    hostings: tuple[str, ...]
    version: str
    build: int
    artifact: Artifact
    payment: str
    compatibility: tuple[Compatibility, ...]
    framework: str = "plugin"
    plugin_type: str | None = None
    license: str | None = None
    source_license: str | None = None
    supported: bool = True
    beta: bool = False
    agreement: str = "https://www.atlassian.com/licensing/marketplace/partneragreement"
    changelog: Changelog = Changelog()
    listing: Listing | None = None
    config_path: Path = Path("release.yml")
    document: YamlDocument | None = field(default=None, compare=False, repr=False)
    files: tuple[CheckedFile, ...] = field(default=(), compare=False, repr=False)

    def checked(self, path: Path | None) -> CheckedFile | None:
        """What validation found at `path` (which file, which workspace), to re-verify on use."""
        return next((f for f in self.files if f.path == path), None)

    def locate(self, key: KeyPath) -> Location | None:
        """Where a release.yml key (or its nearest written ancestor) stands."""
        return self.document.locate(key) if self.document else None
