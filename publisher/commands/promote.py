"""`mpac-publisher promote [release.yml] --receipt FILE [--execute]`: make a staged (PRIVATE)
version public, only if Marketplace still holds what the receipt records. A dry run unless
--execute.

Every hosting is re-read and checked before any is changed: the version must exist with the
receipt's build and artifact id, the artifact's `fileInfo.checksum` must be the receipt's, and
the listing must not be under review. Any difference refuses the promotion with nothing written
(exit 13: not what was published). Then PRIVATE -> PUBLIC per hosting (a PUT with its revision,
`approvalStatus` sent back unchanged); already public is a notice. A hosting failing after another
was promoted, or a signal, ends as the other writing after-release commands do
(commands/hosting_steps.py): partial (exit 7) or interrupted, naming each hosting's step."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from publisher import events as ev
from publisher.commands.hosting_steps import HostingStep, Steps, ended, step_through
from publisher.commands.live import app_software
from publisher.commands.session import Session, load_release
from publisher.commands.validate import ConfigOptions
from publisher.errors import ExitCode, PublisherError, RejectedError
from publisher.marketplace.answers import Json, artifact_checksum, version_artifact_id
from publisher.marketplace.revise import LISTING_SERVER_FIELDS, put_revised, with_server_fields
from publisher.outcome import CommandReport
from publisher.publish.compare import sha512_hex
from publisher.publish.payloads import comparable_listing
from publisher.publish.receipt import read_receipt
from publisher.report.document import md_table

UNDER_REVIEW = ("PENDING", "PENDING_REVIEW", "SUBMITTED", "IN_REVIEW")


class ReceiptMismatchError(PublisherError):
    """What Marketplace holds is not what the receipt records: nothing is promoted."""

    exit_code = ExitCode.SERVED_DIFFERS
    title = "not what was published"


@dataclass(frozen=True)
class PromoteOptions:
    receipt: Path
    config: ConfigOptions | None = None
    execute: bool = False


@dataclass(frozen=True)
class Staged:
    hosting: str
    app_software_id: str
    listing: Json


def promote(options: PromoteOptions, session: Session) -> CommandReport:
    receipt = read_receipt(options.receipt)
    if options.config is not None:
        release = load_release(options.config, session)
        if (release.app, release.build) != (receipt["app"], receipt["build"]):
            raise RejectedError(
                f"the receipt is for {receipt['app']}@{receipt['build']}, release.yml for "
                f"{release.app}@{release.build}; nothing was changed"
            )
    session.emit(ev.StageStarted("read"))
    staged = [_checked(receipt, row, session) for row in receipt["hostings"]]
    session.emit(ev.StageFinished("read"))
    steps = step_through(  # all checked: now each hosting, reporting what was done on any exit
        staged,
        lambda entry: entry.hosting,
        lambda entry: _publicise(entry, receipt["build"], options.execute, session),
        session.policy,
        lambda entry: {"state": entry.listing.get("state")},
    )
    return ended(_report(receipt, options, steps, session), steps)


def _checked(receipt: dict[str, Any], row: dict[str, Any], session: Session) -> Staged:
    """The hosting's listing, once Marketplace is seen to hold what the receipt records."""
    hosting, build, client, policy = (
        row["hosting"],
        receipt["build"],
        session.client,
        session.policy,
    )
    found = {e.hosting: e.id for e in app_software(client, policy, receipt["app"])}
    title = f"{hosting} build {build}"
    if found.get(hosting) != row["app_software_id"]:
        raise ReceiptMismatchError(
            f"{title}: the app software is not the receipt's; nothing changed"
        )
    app_id = row["app_software_id"]
    version = policy.read(f"read version {build}", partial(client.get_version, app_id, build))
    artifact_id = version_artifact_id(version) if version else None
    if artifact_id is None or artifact_id != receipt["artifact_id"]:
        raise ReceiptMismatchError(
            f"{title}: the version's artifact is {artifact_id}, the receipt's "
            f"{receipt['artifact_id']}; nothing was changed",
            advice="promote only the receipt of what was staged; re-stage, then promote",
        )
    artifact = policy.read("read artifact", partial(client.get_artifact, artifact_id))
    live = artifact_checksum(artifact) if artifact else None
    recorded = receipt["marketplace_checksum"] or receipt["artifact"]["sha512"]
    if live is None or sha512_hex(live) != sha512_hex(recorded):
        raise ReceiptMismatchError(
            f"{title}: Marketplace holds {live} for artifact {artifact_id}, the receipt "
            f"sha512:{sha512_hex(recorded)}; nothing was changed"
        )
    listing = policy.read(f"read listing {build}", partial(client.get_listing, app_id, build))
    if listing is None:
        raise RejectedError(f"{title}: no version listing on Marketplace; nothing was changed")
    if str(listing.get("approvalStatus", "")).upper() in UNDER_REVIEW:
        raise RejectedError(
            f"{title}: the listing is under review ({listing.get('approvalStatus')}); nothing "
            "was changed",
            advice="wait for the review to finish, then promote",
        )
    return Staged(hosting, app_id, listing)


def _publicise(entry: Staged, build: int, execute: bool, session: Session) -> HostingStep:
    title = f"{entry.hosting} listing of build {build}"
    if entry.listing.get("state") == "PUBLIC":
        session.emit(ev.Info(f"{title} is already PUBLIC: nothing to do"))
        return _row(entry.hosting, "PUBLIC", "already-public")
    if not execute:
        session.emit(ev.Info(f"{title}: would go PRIVATE -> PUBLIC; run with --execute to act"))
        return _row(entry.hosting, entry.listing.get("state"), "planned")
    read = partial(session.client.get_listing, entry.app_software_id, build)
    put = partial(session.client.update_listing, entry.app_software_id, build)
    sent = put_revised(session.policy, session.emit, title, read, _public, put, live=entry.listing)
    session.emit(ev.Info(f"{title}: now PUBLIC"))
    return _row(entry.hosting, "PUBLIC", "promoted" if sent else "already-public", bool(sent))


def _public(current: Json) -> Json | None:
    """The listing PUT body with state PUBLIC; approvalStatus and revision as they are."""
    if current.get("state") == "PUBLIC":
        return None
    shown = {**comparable_listing(current), "state": "PUBLIC"}
    return with_server_fields(shown, current, LISTING_SERVER_FIELDS)


def _row(hosting: str, state: Any, action: str, written: bool = False) -> HostingStep:
    return HostingStep(hosting, action, written, {"state": state})


def _report(
    receipt: dict[str, Any], options: PromoteOptions, steps: Steps, session: Session
) -> CommandReport:
    """The report of the hostings' steps; `ended` makes it partial, failed or interrupted."""
    rows = [s.to_json() for s in steps.done]
    actions = {r["action"] for r in rows}
    done = "promoted" in actions
    result = "promoted" if done else "planned" if "planned" in actions else "already-public"
    title = f"{receipt['app']} build {receipt['build']}"
    verb = {
        "promoted": "promoted (listing now PUBLIC)",
        "planned": "would be promoted (dry run: nothing was written; --execute to act)",
        "already-public": "already public",
    }
    return CommandReport(
        "promote",
        result,
        int(ExitCode.OK),
        body={"app": receipt["app"], "build": receipt["build"], "hostings": rows},
        headline=f"{title} {verb.get(result, result)}",
        markdown=md_table(
            ["hosting", "listing", "action"],
            [[r["hosting"], str(r["state"]), r["action"]] for r in rows],
        ),
        dry_run=not options.execute,
        requests=session.client.requests_made,
    )
