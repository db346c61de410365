"""Never swap the binary of an existing version by accident (issue 15 #1).

Builds are rarely byte-reproducible: re-running a release tag rebuilds the jar, and uploading it
would put a different binary under a version users may already have installed. So when a live
version's artifact is not the one this run would use, the run stops before uploading anything,
unless the user asked for the swap with --replace-artifact. When another run creates the version
after our plan, our create meets its upload: that one is held against ours by bytes and then by
content (publish/rebuilt.py, as the plan does) and kept when it is the same.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from publisher.config.model import Release
from publisher.diagnostics import error
from publisher.errors import ArtifactDiffersError
from publisher.marketplace.answers import (
    Json,
    artifact_checksum,
    artifact_remote_href,
    version_artifact_id,
)
from publisher.publish.compare import same_sha512
from publisher.publish.rebuilt import REPRODUCIBLE, ContentVerdict

ArtifactLookup = Callable[[str], "Json | None"]  # an artifact id -> GET /artifacts/{id}
# (a live artifact's id, its GET /artifacts/{id}) -> our jar against it by content, None when
# content cannot be compared (publish/rebuilt.py's compare_content)
CompareContent = Callable[[str, Json], "ContentVerdict | None"]


@dataclass(frozen=True)
class OurArtifact:
    """This run's artifact as the race messages name it: how the run came by it (the plan's
    action, or a reuse found when re-checked before the upload), what it is, and its id."""

    action: Literal["upload", "fetch", "reuse"]
    source: str  # the path as written in release.yml, or the URL
    id: str
    sha512: str | None = None
    reason: str = ""  # why it was reused

    def said(self) -> str:
        """What this run's artifact is, for a refusal."""
        if self.action == "fetch":
            return f"Marketplace fetched {self.source} for this run as {self.id}"
        checksum = self.sha512 or "unknown checksum"
        if self.action == "reuse":
            return f"this run reused artifact {self.id} ({checksum}; {self.reason})"
        return f"this run uploaded {self.source} ({checksum}) as {self.id}"

    def unused(self) -> str:
        """That this run's artifact is not what the version stands on."""
        if self.action == "fetch":
            return f"the artifact Marketplace fetched for this run, {self.id}, is left unused"
        if self.action == "reuse":
            return f"artifact {self.id}, which this run reused, is not used for it"
        return f"this run's upload {self.id} is left unused"


@dataclass(frozen=True)
class RaceCheck:
    """What keep_same_artifact needs of the run: the release, this run's artifact, how to read a
    live artifact and how to compare ours with it by content, and whether --replace-artifact."""

    release: Release
    ours: OurArtifact
    lookup: ArtifactLookup
    compare: CompareContent
    replace: bool = False


def refuse_artifact_swap(
    release: Release,
    lives: Mapping[str, Json | None],
    chosen_id: str | None,
    ours: str,
    lookup: ArtifactLookup,
    differences: tuple[str, ...] = (),
    left: str = "Nothing was uploaded",
) -> None:
    """Raise ArtifactDiffersError when a live version has an artifact other than `chosen_id`.

    `ours` says what this run's artifact is ("target/app.jar is sha512:..."); `differences`, the
    entries a rebuilt jar has unlike the live one (publish/rebuilt.py), when they were compared;
    `left`, what the run leaves behind.
    """
    for hosting, live in lives.items():
        live_id = version_artifact_id(live) if live else None
        if live is None or live_id is None:
            continue
        if chosen_id is not None and chosen_id.lower() == live_id.lower():
            continue
        details = lookup(live_id) or {}
        theirs = artifact_checksum(details) or "unknown checksum"
        remote = artifact_remote_href(details)
        origin = f", fetched from {remote}" if remote else ""
        message = (
            f"the {hosting} version {live.get('versionNumber')} (build {release.build}, state "
            f"{live.get('state', 'unknown')}) already has artifact {live_id} ({theirs}{origin}); "
            f"{ours}"
        )
        if differences:
            message += (
                f"; their content differs, not only their timestamps: {', '.join(differences)}"
            )
        raise ArtifactDiffersError(
            f"{message}. {left}",
            advice=(f"{REPRODUCIBLE}; otherwise " if differences else "")
            + "publish the rebuilt artifact as a new version (raise `version` and `build`), "
            "or re-run with --replace-artifact to swap the binary of this version (Marketplace "
            "may refuse that for a version past draft)",
            diagnostics=(error(message, release.locate(("artifact",)), "artifact"),),
        )


def keep_same_artifact(
    check: RaceCheck, hosting: str, live: Json, desired: Json
) -> tuple[Json, str | None]:
    """The version document to write when the live version names another artifact than ours,
    and, when the live artifact is kept, why it was found to be ours ("the same bytes").

    That happens when another run (on another machine) created the version between our plan and
    our create: its own upload has another id, and, rebuilt there, other bytes too. Same bytes
    (our sha512) or same content (`check.compare`, as the plan compares a rebuilt jar): the live
    artifact is kept, so nothing is swapped. Other content, or content that cannot be compared:
    refused (exit 10) unless `check.replace`.
    """
    live_id, our_id = version_artifact_id(live), version_artifact_id(desired)
    if not live_id or not our_id or live_id.lower() == our_id.lower():
        return desired, None
    details = check.lookup(live_id) or {}
    ours = check.ours.sha512
    if ours and same_sha512(artifact_checksum(details), ours):
        return _naming(desired, live_id), "the same bytes"
    verdict = check.compare(live_id, details)
    if verdict is not None and verdict.same:
        return _naming(desired, live_id), f"the same content, compared with {verdict.source}"
    if check.replace:
        return desired, None
    refuse_artifact_swap(
        check.release,
        {hosting: live},
        our_id,
        check.ours.said(),
        check.lookup,
        verdict.differences if verdict else (),
        left=f"The version was left as it is, and {check.ours.unused()}",
    )
    return desired, None  # not reached: refuse_artifact_swap raised


def _naming(desired: Json, artifact_id: str) -> Json:
    kept = copy.deepcopy(desired)
    kept["frameworkDetails"]["attributes"]["artifactId"] = artifact_id
    return kept


def data_center_refusal(response: Json, hostings: tuple[str, ...]) -> str | None:
    """Why an uploaded artifact cannot become a datacenter version, from Marketplace's answer.

    Only Marketplace knows `details.dataCenterCompatible`; a version created on an artifact it
    reports as incompatible would be published for Data Center anyway (issue #15.8).
    """
    details = response.get("details") or {}
    if "datacenter" not in hostings or details.get("dataCenterCompatible") is not False:
        return None
    return (
        "Marketplace reports the artifact as not Data Center compatible "
        "(details.dataCenterCompatible: false), and hosting includes datacenter"
    )
