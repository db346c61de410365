"""A rebuilt jar held against the live artifact by content, not bytes (issue #21.3).

A CI re-run of a release tag rebuilds the jar, and a normal build is not byte-identical, so the
checksums differ although nothing changed. Same content (files/jarcontent.py): the live artifact
is kept and the re-run is `unchanged`. The live side comes from the journal when this machine
recorded what it uploaded (trusted only for the bytes Marketplace reports now); otherwise the
live artifact is downloaded from `_links.binary` into a temporary file (a zip needs seeking),
streamed and capped at 250 MB, so memory stays flat.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO

from publisher.files.artifact import ArtifactProblem
from publisher.files.jarcontent import JarContent, from_json, jar_content, jar_content_of
from publisher.marketplace.answers import Json, artifact_binary_href, artifact_checksum
from publisher.marketplace.client import Marketplace
from publisher.marketplace.download import Served
from publisher.marketplace.retry import RetryPolicy
from publisher.publish.compare import sha512_hex
from publisher.state.journal import Journal

SHOWN = 5  # entries named in a refusal; the rest are counted
REPRODUCIBLE = (
    "if the sources of this version did not change, make the build reproducible: set the "
    "Maven property `project.build.outputTimestamp` (e.g. to the tag's commit time) so entry "
    "times and Bnd-LastModified stop changing, and look at what writes the entries named"
)


@dataclass(frozen=True)
class ContentVerdict:
    same: bool
    differences: tuple[str, ...]  # the first SHOWN entries that differ, then "and N more"
    source: str  # where the live content came from, in the user's words


def compare_content(
    path: Path,
    live_id: str,
    details: Json,
    client: Marketplace,
    policy: RetryPolicy,
    journal: Journal | None,
) -> ContentVerdict | None:
    """Our jar at `path` against live artifact `live_id`; None when content cannot be compared
    (ours is not a zip, e.g. a Connect descriptor, or Marketplace serves no binary)."""
    try:
        ours = jar_content_of(path)
    except ArtifactProblem:
        return None
    recorded = _recorded(live_id, details, journal)
    if recorded is not None:
        return _verdict(ours, recorded, "the state directory's record of that upload")
    href = artifact_binary_href(details)
    if href is None:
        return None
    with tempfile.TemporaryFile() as spool:
        policy.read("download the live artifact", lambda: download_to(client, href, spool))
        try:
            theirs = jar_content(spool)
        except ArtifactProblem as exc:
            unreadable = f"the live artifact {exc}"
            return ContentVerdict(False, (unreadable,), "the live artifact, downloaded")
    return _verdict(ours, theirs, "the live artifact, downloaded")


def _recorded(live_id: str, details: Json, journal: Journal | None) -> JarContent | None:
    hex_digest = sha512_hex(artifact_checksum(details))
    if journal is None or hex_digest is None:
        return None
    entries = journal.content(live_id, hex_digest)
    return from_json(entries) if entries is not None else None


def download_to(client: Marketplace, href: str, spool: IO[bytes]) -> Served:
    """What `href` serves, streamed into `spool` (a retried attempt starts it over)."""
    spool.seek(0)
    spool.truncate()  # a retried attempt starts over
    served = client.download(href, sink=spool)
    spool.flush()
    return served


def same_content(path: Path, spool: BinaryIO) -> bool:
    """Whether the jar at `path` and the one in `spool` differ only where a rebuild does (zip
    times, entry order, volatile manifest and pom.properties lines); False when either is not
    a readable zip."""
    try:
        spool.seek(0)
        return not jar_content_of(path).differences(jar_content(spool))
    except ArtifactProblem:
        return False


def _verdict(ours: JarContent, theirs: JarContent, source: str) -> ContentVerdict:
    found = ours.differences(theirs)
    shown = found[:SHOWN]
    if len(found) > SHOWN:
        shown.append(f"and {len(found) - SHOWN} more")
    return ContentVerdict(not found, tuple(shown), source)


def record_uploaded(journal: Journal, artifact_id: str, path: Path, sha512: str) -> None:
    """Remember the content of what was just uploaded, so a later re-run with a rebuilt jar
    compares without downloading it; a file that is not a zip has no content to record."""
    hex_digest = sha512_hex(sha512)
    try:
        content = jar_content_of(path)
    except ArtifactProblem:
        return
    if hex_digest is not None:
        journal.record_content(artifact_id, hex_digest, dict(content.entries))
