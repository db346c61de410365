"""`mpac-publisher yank release.yml [--build N] [--replacement M] [--execute]`: hide a version by
turning its listing PUBLIC -> PRIVATE (PUT with its revision). A dry run unless --execute.

Marketplace refuses the change when the version is the app's only public version, so that is
checked first and refused in the rule's own words; the replacement, when named, must already be
public. Already private is a notice, not an error. `approvalStatus` is sent back unchanged.
Every hosting is checked before any is changed; a write that then fails on a later hosting is
reported per hosting (hosting_steps.py), exit 7."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

import jsonpatch

from publisher import events as ev
from publisher.commands.after import release_hostings
from publisher.commands.hosting_steps import HostingStep, Steps, ended, step_through
from publisher.commands.live import AppSoftware
from publisher.commands.session import Session, load_release
from publisher.commands.validate import ConfigOptions
from publisher.concurrency import side_by_side
from publisher.errors import ExitCode, RejectedError, UsageError
from publisher.marketplace.answers import Json
from publisher.marketplace.revise import LISTING_SERVER_FIELDS, put_revised, with_server_fields
from publisher.outcome import CommandReport
from publisher.publish.payloads import comparable_listing
from publisher.report.document import md_table

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
    if options.replacement == build:  # Marketplace would find it public and let it be hidden
        raise UsageError(
            f"--replacement {build} is the build being hidden: a version cannot replace itself",
            advice="name the newer public build that takes its place, or leave --replacement out",
        )
    session.emit(ev.StageStarted("read"))
    # every hosting is checked before any is changed: side by side (reads only), the first
    # refusal in hosting order
    live = release_hostings(session, release.app, release).live
    listings = side_by_side([partial(_check, entry, build, options, session) for entry in live])
    checked = list(zip(live, listings, strict=True))
    session.emit(ev.StageFinished("read"))
    steps = step_through(
        checked,
        lambda pair: pair[0].hosting,
        lambda pair: _hide(pair[0], build, pair[1], options, session),
        session.policy,
        lambda pair: {"state": pair[1].get("state"), "patch": []},
    )
    return ended(_report(release.app, build, options, steps, session), steps)


def _report(
    app: str, build: int, options: YankOptions, steps: Steps, session: Session
) -> CommandReport:
    hostings = [s.to_json() for s in steps.done]
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
        body={"app": app, "build": build, "replacement": options.replacement, "hostings": hostings},
        headline=f"{app} build {build} {verb[result]}",
        markdown=md_table(
            ["hosting", "listing", "action"],
            [[h["hosting"], str(h["state"]), h["action"]] for h in hostings],
        ),
        dry_run=not options.execute,
        requests=session.client.requests_made,
    )


def _check(entry: AppSoftware, build: int, options: YankOptions, session: Session) -> Json:
    """The live listing, once every rule allows hiding it (or it is hidden already)."""
    read = partial(session.client.get_listing, entry.id, build)
    listing = session.policy.read(f"read listing {build}", read)
    title = _title(entry, build)
    if listing is None:
        raise RejectedError(f"{title}: no such version listing on Marketplace")
    if listing.get("state") == "PUBLIC":  # the two rules need nothing of each other
        side_by_side(
            [
                partial(_check_replacement, entry, options.replacement, session),
                partial(_check_not_only_public, entry, build, title, session),
            ]
        )
    return listing


def _hide(
    entry: AppSoftware, build: int, listing: Json, options: YankOptions, session: Session
) -> HostingStep:
    title = _title(entry, build)
    if listing.get("state") != "PUBLIC":
        session.emit(ev.Info(f"{title} is already {listing.get('state')}: nothing to do"))
        return _row(entry, listing.get("state"), "already-private", [])
    hidden = _private(listing) or listing
    patch = list(
        jsonpatch.make_patch(comparable_listing(listing), comparable_listing(hidden)).patch
    )
    if not options.execute:
        session.emit(ev.Info(f"{title}: would go PUBLIC -> PRIVATE; run with --execute to act"))
        return _row(entry, "PUBLIC", "planned", patch)
    read = partial(session.client.get_listing, entry.id, build)
    put = partial(session.client.update_listing, entry.id, build)
    sent = put_revised(session.policy, session.emit, title, read, _private, put, live=listing)
    session.emit(ev.Info(f"{title}: now PRIVATE" if sent else f"{title}: already PRIVATE"))
    return _row(entry, "PRIVATE", "hidden" if sent else "already-private", patch, bool(sent))


def _title(entry: AppSoftware, build: int) -> str:
    return f"{entry.hosting} listing of build {build}"


def _row(
    entry: AppSoftware, state: Any, action: str, patch: list[Any], written: bool = False
) -> HostingStep:
    return HostingStep(entry.hosting, action, written, {"state": state, "patch": patch})


def _check_not_only_public(entry: AppSoftware, build: int, title: str, session: Session) -> None:
    """Marketplace's rule, checked before asking: another listing of the app must be public."""
    client = session.client
    public = session.policy.read(
        "list public listings", lambda: list(client.listings(entry.id, "PUBLIC"))
    )
    if not [x for x in public if x.get("buildNumber") != build and x.get("state") == "PUBLIC"]:
        raise RejectedError(
            f"{title}: {ONLY_PUBLIC_RULE}",
            advice="publish (or make public) a replacement version first, then yank this one "
            "with --replacement BUILD",
        )


def _private(current: Json) -> Json | None:
    """The listing PUT body with state PRIVATE; approvalStatus and revision as they are."""
    if current.get("state") != "PUBLIC":
        return None
    hidden = {**comparable_listing(current), "state": "PRIVATE"}
    return with_server_fields(hidden, current, LISTING_SERVER_FIELDS)


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
