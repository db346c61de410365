"""`mpac-publisher yank release.yml [--build N] [--replacement M] [--execute]`: hide a version by
turning its listing PUBLIC -> PRIVATE (PUT with its revision). A dry run unless --execute.

Marketplace refuses the change when the version is the app's only public version, so that is
checked first and refused in the rule's own words; the replacement, when named, must already be
public. Already private is a notice, not an error. `approvalStatus` is sent back unchanged."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

import jsonpatch

from publisher import events as ev
from publisher.commands.session import Session, load_release
from publisher.commands.validate import ConfigOptions
from publisher.errors import ExitCode, RejectedError
from publisher.livestate import AppSoftware, app_software
from publisher.marketplace import Json
from publisher.payloads import comparable_listing
from publisher.report.document import CommandReport, md_table
from publisher.revise import put_revised

ONLY_PUBLIC_RULE = (
    "Transitioning from PUBLIC to PRIVATE is not allowed when the version is the only public "
    "version of the app"
)


@dataclass(frozen=True)
class YankOptions:
    config: ConfigOptions
    build: int | None = None
    replacement: int | None = None
    execute: bool = False


def yank(options: YankOptions, session: Session) -> CommandReport:
    release = load_release(options.config, session)
    build = options.build or release.build
    session.emit(ev.StageStarted("read"))
    hostings = []
    for entry in app_software(session.client, session.policy, release.app):
        if entry.hosting not in release.hostings:
            continue
        if entry.archived:
            session.emit(ev.Info(f"{entry.hosting}: archived, skipped"))
            continue
        hostings.append(_hosting(entry, build, options, session))
    session.emit(ev.StageFinished("read"))
    actions = {h["action"] for h in hostings}
    result = (
        "hidden"
        if "hidden" in actions
        else "planned"
        if "planned" in actions
        else "already-private"
    )
    verb = {
        "hidden": "hidden (listing now PRIVATE)",
        "planned": "would be hidden (dry run: nothing was written; --execute to act)",
        "already-private": "already private",
    }
    return CommandReport(
        "yank",
        result,
        int(ExitCode.OK),
        body={
            "app": release.app,
            "build": build,
            "replacement": options.replacement,
            "hostings": hostings,
        },
        headline=f"{release.app} build {build} {verb[result]}",
        markdown=md_table(
            ["hosting", "listing", "action"],
            [[h["hosting"], str(h["state"]), h["action"]] for h in hostings],
        ),
        dry_run=not options.execute,
        requests=session.client.requests_made,
    )


def _hosting(
    entry: AppSoftware, build: int, options: YankOptions, session: Session
) -> dict[str, Any]:
    client, policy, emit = session.client, session.policy, session.emit
    read = partial(client.get_listing, entry.id, build)
    listing = policy.read(f"read listing {build}", read)
    title = f"{entry.hosting} listing of build {build}"
    if listing is None:
        raise RejectedError(f"{title}: no such version listing on Marketplace")
    if listing.get("state") != "PUBLIC":
        emit(ev.Info(f"{title} is already {listing.get('state')}: nothing to do"))
        return {
            "hosting": entry.hosting,
            "state": listing.get("state"),
            "action": "already-private",
            "patch": [],
        }
    _check_replacement(entry, options.replacement, session)
    public = policy.read("list public listings", lambda: list(client.listings(entry.id, "PUBLIC")))
    others = [x for x in public if x.get("buildNumber") != build and x.get("state") == "PUBLIC"]
    if not others:
        raise RejectedError(
            f"{title}: {ONLY_PUBLIC_RULE}",
            advice="publish (or make public) a replacement version first, then yank this one "
            "with --replacement BUILD",
        )
    patch = list(
        jsonpatch.make_patch(
            comparable_listing(listing), comparable_listing(_private(listing) or listing)
        ).patch
    )
    if not options.execute:
        emit(
            ev.Info(
                f"{title}: would go PUBLIC -> PRIVATE (JSON Patch {patch}); "
                "run with --execute to act"
            )
        )
        return {"hosting": entry.hosting, "state": "PUBLIC", "action": "planned", "patch": patch}
    sent = put_revised(
        policy,
        emit,
        title,
        read,
        _private,
        partial(client.update_listing, entry.id, build),
        live=listing,
    )
    emit(ev.Info(f"{title}: now PRIVATE" if sent else f"{title}: already PRIVATE"))
    return {
        "hosting": entry.hosting,
        "state": "PRIVATE",
        "action": "hidden" if sent else "already-private",
        "patch": patch,
    }


def _private(current: Json) -> Json | None:
    """The listing PUT body with state PRIVATE; approvalStatus and revision as they are."""
    if current.get("state") != "PUBLIC":
        return None
    return {
        **comparable_listing(current),
        "state": "PRIVATE",
        "approvalStatus": current.get("approvalStatus"),
        "revision": current.get("revision"),
    }


def _check_replacement(entry: AppSoftware, replacement: int | None, session: Session) -> None:
    if replacement is None:
        return
    client = session.client
    found = session.policy.read(
        f"read listing {replacement}", partial(client.get_listing, entry.id, replacement)
    )
    state = found.get("state") if found else None
    if state != "PUBLIC":
        shown = "has no listing" if found is None else f"is {state}"
        raise RejectedError(
            f"{entry.hosting}: the replacement build {replacement} {shown}, not PUBLIC; "
            "nothing was changed",
            advice="publish the replacement first (listing state: public), then yank",
        )
