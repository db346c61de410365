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
ContentLookup = Callable[[str, Json], "ContentVerdict | None"]


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
    release: Release,
    hosting: str,
    live: Json,
    desired: Json,
    ours: str | None,
    lookup: ArtifactLookup,
    compare: ContentLookup,
    replace: bool,
) -> tuple[Json, str | None]:
    """The version document to write when the live version names another artifact than ours,
    and, when the live artifact is kept, why it was found to be ours ("the same bytes").

    That happens when another run (on another machine) created the version between our plan and
    our create: its own upload has another id, and, rebuilt there, other bytes too. Same bytes
    (sha512 `ours`) or same content (`compare`, as the plan compares a rebuilt jar): the live
    artifact is kept, so nothing is swapped. Other content: refused (exit 10) unless `replace`.
    """
    live_id, our_id = version_artifact_id(live), version_artifact_id(desired)
    if not live_id or not our_id or live_id.lower() == our_id.lower():
        return desired, None
    details = lookup(live_id) or {}
    if ours and same_sha512(artifact_checksum(details), ours):
        return _naming(desired, live_id), "the same bytes"
    verdict = compare(live_id, details)
    if verdict is not None and verdict.same:
        return _naming(desired, live_id), f"the same content, compared with {verdict.source}"
    if replace:
        return desired, None
    refuse_artifact_swap(
        release,
        {hosting: live},
        our_id,
        f"this run uploaded {ours or 'another artifact'} as {our_id}",
        lookup,
        verdict.differences if verdict else (),
        left="The version was left as it is, and this run's upload is unused",
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
