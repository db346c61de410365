"""`mpac-publisher status [release.yml | APP_KEY]`: per hosting, the newest live versions (by
build), their listing state and approval, compatibility as product versions, and with a
release.yml whether the live version matches it: the very comparison `plan` makes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

from publisher import events as ev
from publisher.commands.after import release_hostings
from publisher.commands.feed import caught
from publisher.commands.live import AppSoftware, HostNames, approval_words, newest_versions
from publisher.commands.session import Session, load_release
from publisher.commands.validate import ConfigOptions
from publisher.concurrency import awaited, side_by_side, started
from publisher.config.model import Release
from publisher.errors import ExitCode
from publisher.marketplace.answers import Json
from publisher.outcome import CommandReport
from publisher.publish.model import HostingPlan, Plan
from publisher.publish.plan import Planner
from publisher.report.document import md_table
from publisher.report.markdown import details, fence, text
from publisher.state.directory import state_dir
from publisher.state.journal import Journal
from publisher.words import plural

T = TypeVar("T")


@dataclass(frozen=True)
class StatusOptions:
    config: ConfigOptions | None  # release.yml, or None with app_key
    app_key: str | None = None
    versions: int = 3


def status(options: StatusOptions, session: Session) -> CommandReport:
    release = load_release(options.config, session) if options.config else None
    app_key = release.app if release else str(options.app_key)
    session.emit(ev.StageStarted("read"))
    hostings = _read(release, app_key, options.versions, session)
    session.emit(ev.StageFinished("read"))
    compared = [h["release"] for h in hostings if "release" in h]
    result = "listed"
    if compared:
        result = "matches" if all(c["matches"] for c in compared) else "differs"
    shown = f"{app_key} {release.version}" if release else app_key
    headline = {
        "listed": f"{app_key}: {plural(len(hostings), 'hosting')}",
        "matches": f"{shown}: live matches release.yml",
        "differs": f"{shown}: live differs from release.yml",
    }[result]
    return CommandReport(
        "status",
        result,
        int(ExitCode.OK),
        body={"app": app_key, "build": release.build if release else None, "hostings": hostings},
        headline=headline,
        markdown=_markdown(hostings),
        outputs_={"matches": str(result == "matches").lower()} if compared else {},
        attention=result == "differs",
        requests=session.client.requests_made,
    )


def _read(
    release: Release | None, app_key: str, count: int, session: Session
) -> list[dict[str, Any]]:
    """Every hosting's live versions, read side by side with the plan, which starts at once
    (its reads are remembered: once.py); errors and lines in the order a sequential run has:
    the app software, the plan, then hosting by hosting."""
    planned = started(partial(_plan, release, session)) if release else _no_plan
    with awaited(planned):
        found = release_hostings(session, app_key, release)
    names = HostNames(session.client, session.policy)
    reads = [partial(caught, partial(_live, e, count, session, names)) for e in found.matching]
    plan, *answers = side_by_side([planned, *reads])
    hostings = []
    for entry, answer in zip(found.matching, answers, strict=True):
        if isinstance(answer, Exception):
            raise answer
        hostings.append(_hosting(entry, answer, plan, session))
    return hostings


def _no_plan() -> None:
    return None


def _live(entry: AppSoftware, count: int, session: Session, names: HostNames) -> list[Json]:
    if entry.archived:  # release_hostings said so
        return []
    newest = newest_versions(session.client, session.policy, entry.id, count)
    return side_by_side([partial(_version, v, entry.id, session, names) for v in newest])


def _hosting(
    entry: AppSoftware, versions: list[Json], plan: Plan | None, session: Session
) -> dict[str, Any]:
    hosting: dict[str, Any] = {
        "hosting": entry.hosting,
        "app_software_id": entry.id,
        "archived": entry.archived,
        "versions": versions,
    }
    if entry.archived:
        return hosting
    if plan is not None:
        hosting["release"] = _comparison(plan, entry.hosting)
    _show(session.emit, hosting)
    return hosting


def _plan(release: Release, session: Session) -> Plan:
    """The plan `publish --dry-run` would make, journal included, so images compare by id."""
    journal = Journal(state_dir(session.env), session.client.root, release.app, release.build)
    return Planner(release, session.client, session.policy, journal).plan()


def _version(version: Json, app_id: str, session: Session, names: HostNames) -> dict[str, Any]:
    build = int(version["buildNumber"])
    client = session.client
    read_listing = partial(
        session.policy.read, "read listing", partial(client.get_listing, app_id, build)
    )
    listing, compatibility = side_by_side([read_listing, partial(names.compatibility, version)])
    approval = listing.get("approvalStatus") if listing else None
    return {
        "build": build,
        "version": version.get("versionNumber"),
        "state": version.get("state"),
        "listing_state": listing.get("state") if listing else None,
        "approval_status": approval,
        "approval": approval_words(approval) if listing else "no listing",
        "compatibility": compatibility,
    }


def _comparison(plan: Plan, hosting: str) -> dict[str, Any]:
    h: HostingPlan = next(x for x in plan.hostings if x.hosting == hosting)
    artifact = plan.artifact
    if h.version.action == "create":
        same_artifact: bool | None = None
    elif artifact.action == "reuse":
        same_artifact = True
    else:
        same_artifact = False if artifact.sha512 or artifact.url else None
    listing = h.listing.action
    matches = (
        h.version.action == "unchanged" and listing in ("unchanged", "skip") and bool(same_artifact)
    )
    return {
        "published": h.version.action != "create",
        "matches": matches,
        "artifact": {None: "not compared", True: "same", False: "differs"}[same_artifact],
        "artifact_sha512": artifact.sha512,
        "version": {"action": h.version.action, "patch": list(h.version.patch)},
        "listing": {"action": listing, "patch": list(h.listing.patch)},
    }


def _compat_text(version: dict[str, Any]) -> str:
    return ", ".join(
        f"{c['product']} {c['min'] or c['min_build']} – {c['max'] or c['max_build']}"
        for c in version["compatibility"]
    )


def _show(emit: ev.Emit, hosting: dict[str, Any]) -> None:
    emit(ev.Info(f"{hosting['hosting']} ({hosting['app_software_id']}):"))
    for v in hosting["versions"]:
        emit(
            ev.Info(
                f"  {v['version']} (build {v['build']}): listing {v['listing_state'] or '—'},"
                f" {v['approval']}; {_compat_text(v)}"
            )
        )
    compared = hosting.get("release")
    if compared:
        emit(ev.Info(_verdict(compared)))
        for name in ("version", "listing"):
            if compared[name]["patch"]:
                emit(ev.Info(f"  {name} differs, JSON Patch of live -> release.yml:"))
                for line in json.dumps(compared[name]["patch"], indent=2).splitlines():
                    emit(ev.Info("    " + line))


def _verdict(compared: dict[str, Any]) -> str:
    if not compared["published"]:
        return "  release.yml's build is not published here"
    word = "matches" if compared["matches"] else "differs from"
    return f"  the live version {word} release.yml (artifact: {compared['artifact']})"


def _markdown(hostings: list[dict[str, Any]]) -> str:
    parts = []
    for h in hostings:
        parts.append(
            f"### {text(h['hosting'])}" + (" (archived, skipped)" if h["archived"] else "")
        )
        rows = [
            [
                str(v["version"]),
                str(v["build"]),
                str(v["listing_state"] or "—"),
                v["approval"],
                _compat_text(v),
            ]
            for v in h["versions"]
        ]
        if rows:
            parts.append(
                md_table(["version", "build", "listing", "approval", "compatibility"], rows)
            )
        compared = h.get("release")
        if compared:
            parts.append(text(_verdict(compared)))
            for name in ("version", "listing"):
                if compared[name]["patch"]:
                    patch = json.dumps(compared[name]["patch"], indent=2)
                    parts.append(details(f"{name}: JSON Patch", fence(patch, "json")))
    return "\n\n".join(parts)
