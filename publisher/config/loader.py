"""release.yml -> Release: read, parse with positions, interpolate, validate, check, build."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from publisher.config import schema
from publisher.config.checks import Checker, run_checks
from publisher.config.interpolate import coerce, interpolate, published_credentials
from publisher.config.model import (
    Artifact,
    Changelog,
    Compatibility,
    DeploymentInstruction,
    Highlight,
    Image,
    ImageType,
    Links,
    Listing,
    Release,
    Screenshot,
)
from publisher.config.yamldoc import Path as KeyPath
from publisher.config.yamldoc import YamlDocument, YamlError, load_yaml
from publisher.config.youtube import youtube_id
from publisher.diagnostics import Diagnostic, Location, error

MAX_CONFIG_BYTES = 1_000_000


@dataclass(frozen=True)
class LoadResult:
    release: Release | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    file: str = "release.yml"

    found: bool = True  # False: there is no release file at the path given

    @property
    def ok(self) -> bool:
        return self.release is not None and not any(d.is_error for d in self.diagnostics)

    @property
    def verdict(self) -> str:
        """One line for the end of the run: valid, invalid, or not there at all."""
        if not self.found:
            return f"release file not found: {self.file}"
        return f"{self.file} is valid" if self.ok else f"{self.file} is invalid"


def load_release(
    config: Path,
    *,
    env: Mapping[str, str],
    workspace: Path | None = None,
    allow_outside_workspace: bool = False,
    display_name: str | None = None,
) -> LoadResult:
    """Load and check a release file, collecting every problem instead of stopping at the first."""
    shown = display_name or str(config)
    text, problem = _read(config, shown)
    if problem:
        return LoadResult(None, [problem], shown, found=config.exists())
    try:
        doc = load_yaml(text, shown)
    except YamlError as exc:
        return LoadResult(None, exc.diagnostics, shown)
    if not isinstance(doc.data, dict):
        kind = "a list" if isinstance(doc.data, list) else f"the value {doc.data!r}"
        message = (
            "expected a mapping of release keys (app:, version:, ...) at the top level, "
            f"found {kind}"
        )
        return LoadResult(None, [error(message, Location(shown, 1, 1))], shown)
    found = list(doc.duplicates)
    data, changed, problems = interpolate(doc, env)
    problems += published_credentials(data, doc, env)
    found += problems
    data = coerce(data, changed, schema.release_schema())
    unresolved = {d.key for d in problems}  # already reported: no second error for the same value
    found += [d for d in schema.validate(data, doc) if d.key not in unresolved]
    base = config.resolve().parent
    checker = Checker(doc, base, workspace_root(base, workspace, env), allow_outside_workspace)
    run_checks(checker, data)
    found += checker.found
    found.sort(key=lambda d: (d.location.line, d.location.column) if d.location else (0, 0))
    if any(d.is_error for d in found):
        return LoadResult(None, found, shown)
    return LoadResult(_build(data, doc, checker, config), found, shown)


def _read(config: Path, shown: str) -> tuple[str, Diagnostic | None]:
    at = Location(shown, 1, 1)
    try:
        if config.is_dir():
            return "", error(f"{shown} is a directory; give the path of a release.yml file", at)
        with config.open("rb") as handle:  # a pipe is fine here (<(envsubst ...)); bounded
            raw = handle.read(MAX_CONFIG_BYTES + 1)
    except FileNotFoundError:
        where = Path(os.path.abspath(config))
        return "", error(f"release file not found: {shown} (no file at {where})", None)
    except PermissionError:
        return "", error(f"cannot read {shown}: permission denied", None)
    except OSError as exc:
        return "", error(f"cannot read {shown}: {exc.strerror or exc}", None)
    if len(raw) > MAX_CONFIG_BYTES:
        return "", error(f"{shown} is larger than 1 MB; a release file is at most 1 MB", at)
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        return "", error(
            "the file contains NUL bytes: it is binary, not a YAML text", Location(shown, line, 1)
        )
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return "", error("the file is not UTF-8 text", Location(shown, line, 1))


def workspace_root(base: Path, given: Path | None, env: Mapping[str, str]) -> Path:
    """--workspace, else $GITHUB_WORKSPACE if it holds release.yml, else the git root, else base."""
    if given is not None:
        return Path(os.path.realpath(given))
    github = env.get("GITHUB_WORKSPACE")
    if github and Path(os.path.realpath(base)).is_relative_to(os.path.realpath(github)):
        return Path(os.path.realpath(github))
    for candidate in (base, *base.parents):
        if (candidate / ".git").exists():
            return Path(os.path.realpath(candidate))
    return Path(os.path.realpath(base))


def _build(data: dict[str, Any], doc: YamlDocument, checker: Checker, config: Path) -> Release:
    hosting = data["hosting"]
    release = data.get("release") or {}
    notes_key: KeyPath | None = None
    if "notes_file" in release:
        notes_key = ("release", "notes_file")
    elif "notes" in release:
        notes_key = ("release", "notes")
    listing = data.get("listing")
    return Release(
        app=data["app"],
        hostings=tuple(hosting if isinstance(hosting, list) else [hosting]),
        version=data["version"],
        build=data["build"],
        artifact=_artifact(data["artifact"], checker),
        payment=data["payment"],
        compatibility=tuple(
            Compatibility(c["product"], c["min"], c["max"], ("compatibility", i))
            for i, c in enumerate(data["compatibility"])
        ),
        framework=data.get("framework", "plugin"),
        plugin_type=data.get("plugin_type"),
        license=data.get("license"),
        source_license=data.get("source_license"),
        supported=data.get("supported", True),
        beta=data.get("beta", False),
        agreement=data.get("agreement", Release.agreement),
        changelog=Changelog(
            release.get("summary"),
            checker.notes,
            notes_key,
            release.get("notes_format", "markdown"),
        ),
        listing=_listing(listing, checker) if isinstance(listing, dict) else None,
        config_path=config,
        document=doc,
        files=tuple({f.path: f for f in checker.checked.values()}.values()),
    )


def _artifact(value: str, checker: Checker) -> Artifact:
    path = checker.paths.get(("artifact",))
    return Artifact(path=path) if path else Artifact(url=value)


def _listing(data: dict[str, Any], checker: Checker) -> Listing:
    def image(key: KeyPath, kind: ImageType) -> Image:
        return Image(checker.paths[key], kind, key)

    def optional(key: KeyPath, kind: ImageType) -> Image | None:
        return image(key, kind) if key in checker.paths else None

    base: KeyPath = ("listing",)
    links = data.get("links")
    return Listing(
        state=data["state"],
        screenshots=tuple(
            Screenshot(image((*base, "screenshots", i, "image"), "screenshot"), s.get("caption"))
            for i, s in enumerate(data.get("screenshots", []))
        ),
        highlights=tuple(
            Highlight(
                screenshot=image((*base, "highlights", i, "screenshot"), "screenshot"),
                title=h.get("title"),
                summary=h.get("summary"),
                caption=h.get("caption"),
                screenshot_caption=h.get("screenshot_caption"),
                thumbnail=optional((*base, "highlights", i, "thumbnail"), "screenshot-thumbnail"),
            )
            for i, h in enumerate(data.get("highlights", []))
        ),
        hero=optional((*base, "hero"), "hero"),
        more_details=data.get("more_details"),
        youtube=youtube_id(data.get("youtube")),
        links=Links(**links) if isinstance(links, dict) else None,
        deployment_instructions=tuple(
            DeploymentInstruction(
                d["body"],
                optional((*base, "deployment_instructions", i, "screenshot"), "screenshot"),
                d.get("caption"),
            )
            for i, d in enumerate(data.get("deployment_instructions", []))
        ),
    )
