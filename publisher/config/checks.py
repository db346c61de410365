"""Checks beyond the schema: what a user would otherwise learn only after an upload.

Files exist, stay inside the workspace and are what they claim to be; the artifact carries the
app key and version of release.yml; version ranges are in order. Every check is defensive about
types, so it can run next to schema errors and report everything in one pass.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from publisher.config.changelog import ChangelogError, section_for
from publisher.config.yamldoc import Path as KeyPath
from publisher.config.yamldoc import YamlDocument, format_path
from publisher.diagnostics import Diagnostic, error, warning
from publisher.files import artifact as artifacts
from publisher.files import images, regular
from publisher.words import human_size

MAX_NOTES_FILE = 5_000_000  # a whole changelog, every version's section
# Our guard, not Marketplace's (docs/limits.md): rendering costs about a second per MB, and
# Kubernetes' whole CHANGELOG-1.28.md, every 1.28 release in one file, is 0.38 MB.
MAX_NOTES_SECTION = 1_000_000


@dataclass
class Checker:
    doc: YamlDocument
    base_dir: Path
    workspace: Path
    allow_outside: bool
    found: list[Diagnostic] = field(default_factory=list)
    paths: dict[KeyPath, Path] = field(default_factory=dict)  # resolved, checked files
    checked: dict[KeyPath, regular.CheckedFile] = field(default_factory=dict)
    notes: str | None = None

    def problem(self, key: KeyPath, message: str, *, at_key: bool = False) -> None:
        self.found.append(
            error(
                f"{format_path(key)}: {message}",
                self.doc.locate(key, at_key=at_key),
                format_path(key),
            )
        )

    def advise(self, key: KeyPath, message: str) -> None:
        self.found.append(
            warning(f"{format_path(key)}: {message}", self.doc.locate(key), format_path(key))
        )

    def _why(self) -> str:
        """Why the workspace is where it is, when that is the surprise: no .git was found."""
        fallback = self.workspace == Path(os.path.realpath(self.base_dir))
        if fallback and not (self.workspace / ".git").exists():
            return (
                ": it is release.yml's own folder, as there is no .git in it or above it (pass "
                "--workspace DIR, e.g. the project's root, or --allow-outside-workspace)"
            )
        return " (pass --allow-outside-workspace if that is intended)"

    def file(self, key: KeyPath, value: Any) -> Path | None:
        """Resolve a release.yml path; report it unless a readable file inside the workspace."""
        if not isinstance(value, str) or not value:
            return None
        if "\x00" in value:
            self.problem(key, "a path cannot contain a NUL character")
            return None
        candidate = Path(os.path.normpath(self.base_dir / value))
        real = Path(os.path.realpath(candidate))
        if not self.allow_outside and not real.is_relative_to(self.workspace):
            self.problem(key, f"'{value}' leaves the workspace {self.workspace}{self._why()}")
            return None
        try:
            checked = regular.check(candidate, None if self.allow_outside else self.workspace)
        except FileNotFoundError:
            self.problem(key, f"no such file: {value} (paths are relative to {self.base_dir})")
        except PermissionError:
            self.problem(key, f"'{value}' is not readable (permissions)")
        except regular.UnusableFile as exc:
            self.problem(key, f"'{value}' {exc}")
        except OSError as exc:
            self.problem(key, f"cannot read '{value}': {exc.strerror or exc}")
        else:
            self.paths[key] = candidate
            self.checked[key] = checked
            return candidate
        return None


def run_checks(checker: Checker, data: Any) -> None:
    if not isinstance(data, dict):
        return
    _check_artifact(checker, data)
    _check_images(checker, data.get("listing"))
    _check_compatibility(checker, data.get("compatibility"))
    _check_notes(checker, data.get("release"), data.get("version"))
    _check_hosting(checker, data)
    _check_published_urls(checker, data)


PUBLISHED_URLS: tuple[KeyPath, ...] = (
    ("source_license",),
    ("agreement",),
    *((("listing", "links", name)) for name in ("documentation", "learn_more", "eula", "purchase")),
)


def _check_published_urls(checker: Checker, data: dict[str, Any]) -> None:
    """URLs that Marketplace shows publicly must not carry `user:password@`."""
    for key in PUBLISHED_URLS:
        value: Any = data
        for part in key:
            value = value.get(part) if isinstance(value, dict) else None
        if isinstance(value, str) and "@" in urlsplit(value.strip()).netloc:
            checker.problem(
                key,
                "this URL carries credentials (user:password@) and is published on the "
                "Marketplace listing: remove them",
            )


def _check_artifact(checker: Checker, data: dict[str, Any]) -> None:
    value = data.get("artifact")
    if not isinstance(value, str) or not value:
        return
    key: KeyPath = ("artifact",)
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", value):
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            checker.problem(key, f"'{value}' must be an http:// or https:// URL (or a local file)")
        return
    path = checker.file(key, value)
    if path is None:
        return
    framework = data.get("framework", "plugin")
    try:
        info = artifacts.inspect(path, framework if isinstance(framework, str) else "plugin")
    except (artifacts.ArtifactProblem, regular.UnusableFile) as exc:
        checker.problem(key, f"'{value}' {exc}")
        return
    except OSError as exc:
        checker.problem(key, f"cannot read '{value}': {exc.strerror or exc}")
        return
    _compare_identity(checker, info, data)
    _check_data_center(checker, info, data.get("hosting"))


def _compare_identity(checker: Checker, info: artifacts.ArtifactInfo, data: dict[str, Any]) -> None:
    app, version = data.get("app"), data.get("version")
    if info.key and isinstance(app, str) and info.key != app:
        checker.problem(
            ("artifact",),
            f"the artifact's key is '{info.key}' but app is '{app}'; Marketplace would refuse it",
        )
    if info.version and isinstance(version, str) and info.version != version:
        if "${" in info.version:
            checker.advise(
                ("artifact",),
                f"the artifact's version is the unfiltered '{info.version}'; Marketplace will "
                "read that literally (enable Maven resource filtering)",
            )
        else:
            checker.problem(
                ("artifact",),
                f"the artifact's version is '{info.version}' but version is '{version}'; "
                "did the build produce the right jar?",
            )


def _check_data_center(checker: Checker, info: artifacts.ArtifactInfo, hosting: Any) -> None:
    """Marketplace reports a plugin without the Data Center params as not DC compatible."""
    hostings = hosting if isinstance(hosting, list) else [hosting]
    if "datacenter" in hostings and info.data_center_compatible is False:
        checker.advise(
            ("artifact",),
            "the artifact's plugin-info declares neither atlassian-data-center-status=compatible "
            "nor atlassian-data-center-compatible=true; Marketplace will report it as not Data "
            "Center compatible and publish stops after the upload (docs/limits.md)",
        )


def _check_images(checker: Checker, listing: Any) -> None:
    if not isinstance(listing, dict):
        return
    keys: list[KeyPath] = []
    for i, _ in enumerate(_items(listing.get("screenshots"))):
        keys.append(("listing", "screenshots", i, "image"))
    for i, _ in enumerate(_items(listing.get("highlights"))):
        keys += [
            ("listing", "highlights", i, "screenshot"),
            ("listing", "highlights", i, "thumbnail"),
        ]
    keys.append(("listing", "hero"))
    for i, _ in enumerate(_items(listing.get("deployment_instructions"))):
        keys.append(("listing", "deployment_instructions", i, "screenshot"))
    for key in keys:
        value = _get(listing, key[1:])
        if value is None:
            continue
        path = checker.file(key, value)
        if path is None:
            continue
        try:
            problem = images.image_problem(path)
            mismatch = None if problem else images.extension_mismatch(path)
        except regular.UnusableFile as exc:
            checker.problem(key, f"'{value}' {exc}")
            continue
        except OSError as exc:
            checker.problem(key, f"cannot read '{value}': {exc.strerror or exc}")
            continue
        if problem:
            checker.problem(key, f"'{value}' {problem}")
        elif mismatch:
            checker.advise(key, f"'{value}' {mismatch}")


def _check_compatibility(checker: Checker, entries: Any) -> None:
    seen: dict[str, int] = {}
    for i, entry in enumerate(_items(entries)):
        if not isinstance(entry, dict):
            continue
        product = entry.get("product")
        if isinstance(product, str):
            name = product.strip().lower()
            if name in seen:
                checker.problem(
                    ("compatibility", i, "product"),
                    f"'{product}' is listed twice (also entry {seen[name] + 1}); "
                    "give one range per product",
                )
            seen.setdefault(name, i)
        low, high = entry.get("min"), entry.get("max")
        _check_bound(checker, ("compatibility", i, "min"), low)
        _check_bound(checker, ("compatibility", i, "max"), high)
        order = _compare(low, high)
        if order is not None and order > 0:
            checker.problem(("compatibility", i, "max"), f"max {high} is lower than min {low}")


def _check_bound(checker: Checker, key: KeyPath, value: Any) -> None:
    if isinstance(value, int) and not isinstance(value, bool) and value < 1000:
        checker.advise(
            key,
            f"{value} is read as the build number {value}; for the product version write "
            f'"{value}.0.0" (quoted)',
        )


def _compare(low: Any, high: Any) -> int | None:
    """-1/0/1 when both bounds are build numbers or both are plain dotted versions."""
    if isinstance(low, int) and isinstance(high, int) and not isinstance(low, bool):
        return (low > high) - (low < high)
    if isinstance(low, str) and isinstance(high, str):
        a, b = _numeric(low), _numeric(high)
        if a is not None and b is not None:
            return (a > b) - (a < b)
    return None


def _numeric(version: str) -> tuple[tuple[int, str], ...] | None:
    """Comparable parts of a dotted version, compared as numbers without int() (any length)."""
    parts = version.split(".")
    if not all(p.isascii() and p.isdigit() for p in parts):  # isdigit alone accepts "²"
        return None
    padded = [p.lstrip("0") for p in parts] + [""] * (4 - len(parts))
    return tuple((len(p), p) for p in padded)


def _check_notes(checker: Checker, release: Any, version: Any) -> None:
    if not isinstance(release, dict):
        return
    notes = release.get("notes")
    if isinstance(notes, str):
        checker.notes = notes
    value = release.get("notes_file")
    key: KeyPath = ("release", "notes_file")
    path = checker.file(key, value)
    if path is None or not isinstance(version, str):
        return
    try:
        with checker.checked[key].open() as handle:  # its text is sent: the checked file only
            raw = handle.read(MAX_NOTES_FILE + 1)
        if len(raw) > MAX_NOTES_FILE:  # cut, it could lose half a section or half a character
            checker.problem(key, f"'{value}' is larger than 5 MB; a changelog this big is refused")
            return
        section = section_for(raw.decode("utf-8"), version)
        size = len(section.encode("utf-8"))
        if size > MAX_NOTES_SECTION:
            checker.problem(
                key,
                f"'{value}': the section for version {version} is {human_size(size)}; release "
                "notes are limited to 1 MB (our limit; Marketplace documents none): shorten the "
                "section, or link to the full changelog from it",
            )
            return
        checker.notes = section
    except UnicodeDecodeError:
        checker.problem(key, f"'{value}' is not UTF-8 text")
    except (ChangelogError, regular.UnusableFile) as exc:
        checker.problem(key, f"'{value}' {exc}")
    except OSError as exc:
        checker.problem(key, f"cannot read '{value}': {exc.strerror or exc}")


def _check_hosting(checker: Checker, data: dict[str, Any]) -> None:
    """Cloud versions are Connect/Forge: their own deploy creates them (issue #15.2)."""
    hosting = data.get("hosting")
    if hosting == "cloud":
        key: KeyPath = ("hosting",)
    elif isinstance(hosting, list) and "cloud" in hosting:
        key = ("hosting", hosting.index("cloud"))
    else:
        return
    checker.problem(
        key,
        "cloud is not supported: a cloud version is a Connect or Forge app, created by its own "
        "deploy (`forge deploy`, or the Connect descriptor), not from a plugin artifact. "
        "Publish datacenter and server here, and leave cloud out (nothing was sent)",
    )


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _get(data: Any, key: KeyPath) -> Any:
    for part in key:
        if isinstance(part, int):
            data = data[part] if isinstance(data, list) and part < len(data) else None
        else:
            data = data.get(part) if isinstance(data, dict) else None
    return data
