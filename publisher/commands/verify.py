"""`mpac-publisher verify [release.yml | APP@BUILD] [--receipt FILE] [--file JAR]`: download what
Marketplace serves for a version (`_links.binary` of its artifact) and hold its sha512 against
Marketplace's `fileInfo.checksum`, the local file and the receipt. Exit 13 when they differ."""

from __future__ import annotations

import contextlib
import re
import tempfile
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO

from publisher import events as ev
from publisher.commands.live import app_software
from publisher.commands.session import Session, load_release
from publisher.commands.validate import ConfigOptions
from publisher.errors import ExitCode, RejectedError, UsageError
from publisher.files.hashing import file_digests
from publisher.marketplace.answers import (
    artifact_binary_href,
    artifact_checksum,
    version_artifact_id,
)
from publisher.marketplace.download import Served
from publisher.outcome import CommandReport
from publisher.publish.rebuilt import download_to, same_content
from publisher.publish.receipt import read_receipt
from publisher.publish.served import Check, Records, checks
from publisher.report.document import md_table

_APP_AT_BUILD = re.compile(r"(?P<app>[A-Za-z0-9][A-Za-z0-9._-]*)@(?P<build>[1-9][0-9]{0,17})")


@dataclass(frozen=True)
class VerifyOptions:
    config: ConfigOptions | None  # release.yml, unless the target is APP@BUILD or a receipt
    target: str | None = None  # APP@BUILD
    receipt: Path | None = None
    file: Path | None = None


@dataclass(frozen=True)
class Target:
    app: str
    build: int
    hostings: tuple[str, ...] | None  # None: every hosting the app has
    records: Records


def verify(options: VerifyOptions, session: Session) -> CommandReport:
    target = _target(options, session)
    session.emit(ev.StageStarted("verify"))
    rows: list[dict[str, Any]] = []
    served: dict[str, Downloaded] = {}  # one download per artifact, however many hostings use it
    with contextlib.ExitStack() as spools:  # the served jars, compared by content if need be
        entries = app_software(session.client, session.policy, target.app)
        for entry in entries:
            if entry.archived or (target.hostings and entry.hosting not in target.hostings):
                continue
            row = _hosting(entry.hosting, entry.id, target, served, session, spools)
            if row is not None:
                rows.append(row)
    session.emit(ev.StageFinished("verify"))
    if not rows:
        raise RejectedError(f"{target.app}: no hosting has build {target.build} to verify")
    return _report(target, rows, session)


@dataclass(frozen=True)
class Downloaded:
    served: Served
    spool: BinaryIO  # the served bytes, in a temporary file


def _hosting(
    hosting: str,
    app_software_id: str,
    target: Target,
    served: dict[str, Downloaded],
    s: Session,
    spools: contextlib.ExitStack,
) -> dict[str, Any] | None:
    title = f"{hosting} build {target.build}"
    version = s.policy.read(
        f"read version {target.build}", partial(s.client.get_version, app_software_id, target.build)
    )
    artifact_id = version_artifact_id(version) if version else None
    if version is None and target.hostings is None:  # APP@BUILD: the hostings that have it
        s.emit(ev.Info(f"{title}: no such version, skipped"))
        return None
    if artifact_id is None:
        raise RejectedError(
            f"{target.app} {title}: no such version (or no artifact) on Marketplace"
        )
    artifact = s.policy.read("read artifact", partial(s.client.get_artifact, artifact_id))
    href = artifact_binary_href(artifact) if artifact else None
    if artifact is None or href is None:
        raise RejectedError(f"{title}: Marketplace gives no download for artifact {artifact_id}")
    if artifact_id not in served:
        s.emit(ev.Info(f"{title}: downloading artifact {artifact_id}"))
        spool = spools.enter_context(tempfile.TemporaryFile())  # noqa: SIM115 (the stack closes it)
        download = partial(download_to, s.client, href, spool)
        served[artifact_id] = Downloaded(s.policy.read("download artifact", download), spool)
    got = served[artifact_id].served
    found = checks(
        got.sha512_hex,
        artifact_id,
        artifact_checksum(artifact),
        target.records,
        partial(same_content, spool=served[artifact_id].spool),
    )
    for check in found:
        s.emit(ev.Info(f"{title}: {check.line()}"))
    return {
        "hosting": hosting,
        "artifact_id": artifact_id,
        "served": {"size": got.size, "sha512": got.sha512, "sha256": got.sha256_hex},
        "checks": [c.to_json() for c in found],
        "same": all(c.same for c in found),
    }


def _report(target: Target, rows: list[dict[str, Any]], session: Session) -> CommandReport:
    differ = [(r["hosting"], c) for r in rows for c in r["checks"] if not c["same"]]
    title = f"{target.app} build {target.build}"
    error = None
    if differ:
        error = f"{title}: Marketplace serves other bytes than were published: " + "; ".join(
            f"{hosting}: {Check(**c).line()}" for hosting, c in differ
        )
    return CommandReport(
        "verify",
        "differs" if differ else "matches",
        int(ExitCode.SERVED_DIFFERS if differ else ExitCode.OK),
        body={"app": target.app, "build": target.build, "hostings": rows},
        headline=f"{title}: Marketplace serves what was published ({rows[0]['served']['sha512']})",
        markdown=md_table(
            ["hosting", "held against", "expected", "served", "same"],
            [
                [r["hosting"], c["against"], str(c["expected"]), str(c["found"]), _yes(c["same"])]
                for r in rows
                for c in r["checks"]
            ],
        ),
        requests=session.client.requests_made,
        error=error,
        advice="do not ship this; find out what replaced the artifact (a leaked token?), then "
        "publish again with --replace-artifact"
        if differ
        else None,
    )


def _yes(same: bool) -> str:
    return "yes" if same else "**no**"


def _target(options: VerifyOptions, session: Session) -> Target:
    receipt = read_receipt(options.receipt) if options.receipt else None
    local = _local(options.file)
    if options.target is not None:
        found = _APP_AT_BUILD.fullmatch(options.target)
        if found is None:
            raise UsageError(
                f"{options.target!r} is neither a release.yml nor APP@BUILD",
                advice="e.g. verify release.yml, or verify com.example.app@2004000",
            )
        app, build, hostings = found["app"], int(found["build"]), None
    elif options.config is not None:
        release = load_release(options.config, session)
        app, build, hostings = release.app, release.build, release.hostings
        if local is None and release.artifact.path is not None:  # --file wins
            local = _local(release.artifact.path)
    else:
        if receipt is None:
            raise UsageError("nothing to verify", advice="give release.yml, APP@BUILD or --receipt")
        app, build, hostings = receipt["app"], receipt["build"], None
    if receipt is not None:
        _same_release(receipt, app, build, options.receipt)
        hostings = hostings or tuple(h["hosting"] for h in receipt["hostings"])
    shown = str(options.file or (local and local[0]) or "") or None
    path = Path(local[0]) if local else None
    return Target(app, build, hostings, Records(shown, local[1] if local else None, receipt, path))


def _local(path: Path | None) -> tuple[str, str] | None:
    """(path shown, sha512 hex) of a local artifact; an unreadable file is a usage error."""
    if path is None:
        return None
    try:
        return str(path), file_digests(path)[0]
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None


def _same_release(receipt: dict[str, Any], app: str, build: int, path: Path | None) -> None:
    if (receipt["app"], receipt["build"]) != (app, build):
        raise UsageError(
            f"the receipt {path} is for {receipt['app']}@{receipt['build']}, not {app}@{build}",
            advice="pass the receipt of the version you verify",
        )
