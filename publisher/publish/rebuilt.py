"""A rebuilt jar held against the live artifact by content, not bytes (issue #21.3).

A CI re-run of a release tag rebuilds the jar, and a normal build is not byte-identical, so the
checksums differ although nothing changed. Same content (files/jarcontent.py): the live artifact
is kept and the re-run is `unchanged`. The live side comes from the journal when this machine
recorded what it uploaded (trusted only for the bytes Marketplace reports now); otherwise the
live artifact is downloaded from `_links.binary` into a temporary file (a zip needs seeking),
streamed and capped at 250 MB, so memory stays flat. Our side is the local jar, or, once this run
has its artifact, the record of that upload: the local jar may be gone or rebuilt by then.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO

from publisher.errors import UsageError
from publisher.files.artifact import ArtifactProblem
from publisher.files.jarcontent import JarContent, from_json, jar_content, jar_content_of
from publisher.files.regular import CheckedFile, UnusableFile, open_regular
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
    ours: JarContent | None,
    live_id: str,
    details: Json,
    client: Marketplace,
    policy: RetryPolicy,
    journal: Journal | None,
) -> ContentVerdict | None:
    """Our jar's content (local_content, our_content) against live artifact `live_id`; None when
    content cannot be compared (ours is None, or Marketplace serves no binary)."""
    if ours is None:
        return None
    recorded = recorded_content(journal, live_id, artifact_checksum(details))
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


def local_content(path: Path, checked: CheckedFile | None = None) -> JarContent | None:
    """The content of the local jar (`checked`: provably the file validation checked); None when
    there is none to compare: not a zip (a Connect descriptor), or gone, replaced or unusable
    since (a parallel `mvn clean`)."""
    try:
        with checked.open() if checked is not None else open_regular(path) as handle:
            return jar_content(handle)
    except (ArtifactProblem, UnusableFile, OSError):
        return None


def our_content(
    journal: Journal,
    artifact_id: str | None,
    sha512: str | None,
    path: Path,
    checked: CheckedFile | None,
) -> JarContent | None:
    """What this run's artifact `artifact_id` holds: the journal's record of that upload (with
    these bytes), else the local jar, if it is still there and usable."""
    recorded = recorded_content(journal, artifact_id, sha512) if artifact_id else None
    return recorded if recorded is not None else local_content(path, checked)


def recorded_content(
    journal: Journal | None, artifact_id: str, sha512: str | None
) -> JarContent | None:
    """The content this machine recorded for its upload `artifact_id`, if recorded for these
    bytes (`sha512`, as Marketplace reports them or as the upload measured them)."""
    hex_digest = sha512_hex(sha512)
    if journal is None or hex_digest is None:
        return None
    entries = journal.content(artifact_id, hex_digest)
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
    a readable zip. A local file gone or replaced since it was hashed cannot be compared at all:
    a usage error (exit 2), not a verdict."""
    try:
        spool.seek(0)
        return not jar_content_of(path).differences(jar_content(spool))
    except ArtifactProblem:
        return False
    except (OSError, UnusableFile) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise UsageError(
            f"cannot read {path} to compare it by content: {reason}",
            advice="keep the file in place until verify has finished, then re-run",
        ) from None


def _verdict(ours: JarContent, theirs: JarContent, source: str) -> ContentVerdict:
    found = ours.differences(theirs)
    shown = found[:SHOWN]
    if len(found) > SHOWN:
        shown.append(f"and {len(found) - SHOWN} more")
    return ContentVerdict(not found, tuple(shown), source)


def record_uploaded(
    journal: Journal, artifact_id: str, path: Path, sha512: str, checked: CheckedFile | None
) -> None:
    """Remember the content of what was just uploaded, so a later re-run with a rebuilt jar
    (or this run, meeting another run's version) compares without downloading or re-reading it.
    A file that is not a zip has no content to record, nor one gone or replaced since it was
    checked (`checked`): its content now is not what was sent."""
    hex_digest = sha512_hex(sha512)
    content = local_content(path, checked)
    if hex_digest is not None and content is not None:
        journal.record_content(artifact_id, hex_digest, dict(content.entries))
