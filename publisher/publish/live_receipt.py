"""A receipt from what Marketplace holds once a publish is done: each hosting's version and
listing, and the artifact the version is built on, re-read rather than taken from the plan."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from functools import partial
from typing import Any

from publisher.config.model import Release
from publisher.files.hashing import file_digests
from publisher.marketplace.answers import artifact_checksum, version_artifact_id
from publisher.marketplace.client import Marketplace
from publisher.marketplace.retry import RetryPolicy
from publisher.publish.compare import sha512_hex
from publisher.publish.receipt import LocalArtifact, ReceiptHosting, receipt_document


def live_receipt(
    release: Release,
    hostings: Mapping[str, str],
    client: Marketplace,
    policy: RetryPolicy,
    env: Mapping[str, str],
    now: float,
) -> dict[str, Any]:
    """`hostings`: hosting -> app software id, as the publish resolved them."""
    rows, artifact_ids = [], []
    for hosting, app_software_id in hostings.items():
        read = partial(client.get_version, app_software_id, release.build)
        version = policy.read(f"read version {release.build}", read) or {}
        artifact_ids.append(version_artifact_id(version))
        read = partial(client.get_listing, app_software_id, release.build)
        listing = policy.read(f"read listing {release.build}", read) or {}
        state = listing.get("state")
        rows.append(ReceiptHosting(hosting, app_software_id, str(state) if state else None))
    artifact_id = next((a for a in artifact_ids if a), None)
    checksum = None
    if artifact_id is not None:
        found = policy.read("read artifact", partial(client.get_artifact, artifact_id))
        checksum = artifact_checksum(found) if found else None
    return receipt_document(
        release.app,
        release.version,
        release.build,
        rows,
        artifact_id,
        _kept(local_artifact(release), checksum),
        checksum,
        env,
        now,
    )


def local_artifact(release: Release) -> LocalArtifact:
    artifact = release.artifact
    if artifact.path is None:  # a URL Marketplace fetched: no local bytes to vouch for
        return LocalArtifact(artifact.display)
    sha512, sha256, size = file_digests(artifact.path)
    folder = release.config_path.parent.resolve()
    shown = artifact.path.resolve()
    source = shown.relative_to(folder) if shown.is_relative_to(folder) else shown
    return LocalArtifact(source.as_posix(), size, sha512, sha256)


def _kept(local: LocalArtifact, checksum: str | None) -> LocalArtifact:
    """A publish that succeeded with other bytes than Marketplace holds kept the live artifact
    because its content was the same (publish/rebuilt.py): say so, for `verify`."""
    live = sha512_hex(checksum)
    rebuilt = local.sha512 is not None and live is not None and local.sha512 != live
    return dataclasses.replace(local, rebuilt=rebuilt)
