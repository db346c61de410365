"""One version number, one build: Marketplace accepts a second version numbered 1.10.0 under
another build without a word, so the plan looks for one and refuses unless the user opts in. And
one build, one version number: a version bump without a build bump would rename a live version,
so that is refused before anything is written."""

from __future__ import annotations

from publisher.config.model import Release
from publisher.diagnostics import error
from publisher.errors import RejectedError
from publisher.marketplace.answers import Json
from publisher.marketplace.client import Marketplace
from publisher.marketplace.retry import RetryPolicy

OPT_IN = "--allow-duplicate-version"


def other_builds(
    client: Marketplace, policy: RetryPolicy, app_software_id: str, release: Release
) -> list[int]:
    """Build numbers of the live versions numbered `release.version`, other than `release.build`."""
    found = policy.read(
        f"list the versions of {release.app}", lambda: list(client.versions(app_software_id))
    )
    return sorted(
        {
            int(v["buildNumber"])
            for v in found
            if str(v.get("versionNumber")) == release.version
            and isinstance(v.get("buildNumber"), int)
            and v["buildNumber"] != release.build
        }
    )


def needs_check(live: Json | None, release: Release) -> bool:
    """Only a create, or an update that renumbers the build, can add a duplicate."""
    return live is None or str(live.get("versionNumber")) != release.version


def refuse(release: Release, hosting: str, builds: list[int]) -> RejectedError:
    shown = ", ".join(str(b) for b in builds)
    noun = "build" if len(builds) == 1 else "builds"
    message = (
        f"{hosting}: version {release.version} already exists on Marketplace as {noun} {shown}; "
        f"build {release.build} would be a second version {release.version}"
    )
    return RejectedError(
        message,
        advice=f"give this build a new `version:`, or pass {OPT_IN} if a second "
        f"{release.version} is what you want; nothing was sent",
        diagnostics=(
            error(
                f"version {release.version} is already {noun} {shown} on Marketplace",
                release.locate(("version",)),
                "version",
            ),
            error(
                f"build {release.build} would make a second version {release.version}",
                release.locate(("build",)),
                "build",
            ),
        ),
    )


def renumbers(live: Json | None, release: Release) -> bool:
    """The live version of our build has another number: writing would rename it."""
    return live is not None and str(live.get("versionNumber")) != release.version


def refuse_renumbering(
    release: Release, hosting: str, live: Json, *, sent_nothing: bool = True
) -> RejectedError:
    """A forgotten build bump, in the live version's own words (its number, not ours).
    `sent_nothing`: refused by the plan, before any upload."""
    number = str(live.get("versionNumber"))
    said = (
        f"build {release.build} is already {number} on Marketplace: a new version needs a new build"
    )
    return RejectedError(
        f"{hosting}: {said}; release.yml says version {release.version} with the same build",
        advice=f"raise `build:` for version {release.version}, or set `version:` back to "
        f"{number} to publish that version again" + ("; nothing was sent" if sent_nothing else ""),
        diagnostics=(error(said, release.locate(("build",)), "build"),),
    )
