"""`mpac-publisher compat check|bump release.yml`: host product versions released above the live
version's max compatibility, and raising that max (never lowering it, never creating a version)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import partial
from typing import Any

from publisher import events as ev
from publisher.commands.after import release_hostings
from publisher.commands.feed import caught
from publisher.commands.live import AppSoftware, HostNames
from publisher.commands.session import Session, load_release
from publisher.commands.validate import ConfigOptions
from publisher.concurrency import side_by_side
from publisher.config.model import Release
from publisher.diagnostics import Diagnostic, warning
from publisher.errors import ExitCode, RejectedError
from publisher.marketplace.answers import Json
from publisher.outcome import CommandReport
from publisher.publish.resolve import Resolver
from publisher.report.document import md_table
from publisher.words import plural


@dataclass(frozen=True)
class Lag:
    """One product of one hosting's live version: its max, and the host versions above it."""

    hosting: str
    app_software_id: str
    product: str
    parent_id: str
    key_index: int  # compatibility[i] in release.yml
    max_build: int
    max_version: str | None
    newer: tuple[Json, ...]  # {buildNumber, versionNumber}, oldest first


@dataclass(frozen=True)
class Gap:
    """A product release.yml names that one hosting's live version has no range for at all."""

    hosting: str
    product: str
    parent_id: str
    key_index: int  # compatibility[i] in release.yml


@dataclass(frozen=True)
class Reading:
    release: Release
    lags: tuple[Lag, ...]
    lives: dict[str, Json]  # hosting -> the live version
    hosts: dict[str, list[Json]]  # parent software id -> its versions
    gaps: tuple[Gap, ...] = ()


def read_lags(session: Session, release: Release) -> Reading:
    """The live version of each live hosting and the host versions above its max, in two
    branches side by side: release.yml's products resolved, then every named product's versions;
    the app software, then each live version. Each thing is read once; errors in that order (a
    product's versions only when a live version has a range for it: otherwise unneeded)."""
    emit = session.emit
    emit(ev.StageStarted("read"))
    names = HostNames(session.client, session.policy)
    (wanted, listed), (entries, lives) = side_by_side(
        [partial(_products, release, names, session), partial(_lives, release, session)]
    )
    hosts: dict[str, list[Json]] = {}
    for pid in {pid: None for live in lives.values() for pid, _ in _maxes(live) if pid in wanted}:
        answer = listed[pid]
        if isinstance(answer, Exception):
            raise answer
        hosts[pid] = answer
    lags, gaps = _lags(entries, lives, wanted, hosts, names, session)
    emit(ev.StageFinished("read"))
    return Reading(release, tuple(lags), lives, hosts, tuple(gaps))


def _products(
    release: Release, names: HostNames, session: Session
) -> tuple[dict[str, int], dict[str, list[Json] | Exception]]:
    """release.yml's products (parent software id -> compatibility[i]) and each one's versions
    (read beside the live versions: they need only the id)."""
    resolved = Resolver(release, session.client, session.policy).compatibilities()
    wanted = {c.parent_software_id: i for i, c in enumerate(resolved)}
    reads = [partial(caught, partial(_known_versions, pid, names, session)) for pid in wanted]
    return wanted, dict(zip(wanted, side_by_side(reads), strict=True))


def _lives(release: Release, session: Session) -> tuple[tuple[AppSoftware, ...], dict[str, Json]]:
    entries = release_hostings(session, release.app, release).live
    found = side_by_side([partial(_live, e, release, session) for e in entries])
    return entries, dict(zip((e.hosting for e in entries), found, strict=True))


def _lags(
    entries: tuple[AppSoftware, ...],
    lives: dict[str, Json],
    wanted: dict[str, int],
    hosts: dict[str, list[Json]],
    names: HostNames,
    session: Session,
) -> tuple[list[Lag], list[Gap]]:
    lags: list[Lag] = []
    gaps: list[Gap] = []
    for entry in entries:
        found_lags = [
            _lag(entry, pid, high, wanted[pid], hosts, names, session)
            for pid, high in _maxes(lives[entry.hosting])
            if pid in wanted
        ]
        lags += found_lags
        covered = {lag.parent_id for lag in found_lags}
        gaps += [
            Gap(entry.hosting, names.product(pid), pid, index)
            for pid, index in wanted.items()
            if pid not in covered
        ]
    return lags, gaps


def _maxes(live: Json) -> list[tuple[str, int]]:
    """(parent software id, maxBuildNumber) of each of the live version's ranges."""
    ranges = [
        c for c in live.get("compatibilities") or [] if isinstance(c.get("maxBuildNumber"), int)
    ]
    return [(str(c.get("parentSoftwareId")), int(c["maxBuildNumber"])) for c in ranges]


def _lag(
    entry: AppSoftware,
    pid: str,
    high: int,
    index: int,
    hosts: dict[str, list[Json]],
    names: HostNames,
    session: Session,
) -> Lag:
    every = hosts[pid]
    newer = sorted(
        (v for v in every if v["buildNumber"] > high and _on(v, entry.hosting)),
        key=lambda v: int(v["buildNumber"]),
    )
    product, version = names.product(pid), names.version(pid, high)
    return Lag(entry.hosting, entry.id, product, pid, index, high, version, tuple(newer))


def _live(entry: AppSoftware, release: Release, session: Session) -> Json:
    read = partial(session.client.get_version, entry.id, release.build)
    live = session.policy.read(f"read version {release.build}", read)
    if live is None:
        raise RejectedError(
            f"{release.app} build {release.build} is not published for {entry.hosting}",
            advice="`compat` works on the live version release.yml names; publish it first",
        )
    return live


def _known_versions(pid: str, names: HostNames, session: Session) -> list[Json]:
    """A host product's versions (every page: order is not relied on), their numbers kept."""
    found: list[Json] = session.policy.read(
        "list product versions", partial(_host_versions, session.client, pid)
    )
    for v in found:
        names.known(pid, v["buildNumber"], str(v.get("versionNumber")))
    return found


def _host_versions(client: Any, parent_id: str) -> list[Json]:
    return [v for v in client.parent_versions(parent_id) if isinstance(v.get("buildNumber"), int)]


def _on(version: Json, hosting: str) -> bool:
    hostings = version.get("hosting")
    return not isinstance(hostings, list) or hosting in hostings


def check(config: ConfigOptions, session: Session) -> CommandReport:
    reading = read_lags(session, load_release(config, session))
    behind = [lag for lag in reading.lags if lag.newer]
    for lag in reading.lags:
        session.emit(ev.Info(_lag_line(lag)))
    newer = [
        {
            "hosting": lag.hosting,
            "product": lag.product,
            "version": v.get("versionNumber"),
            "build": v["buildNumber"],
        }
        for lag in behind
        for v in lag.newer
    ]
    release = reading.release
    warnings = tuple(_warning(release, lag) for lag in behind) + gap_warnings(reading)
    for w in warnings:
        session.emit(ev.Problem(w))
    result = "behind" if behind else ("incomplete" if reading.gaps else "current")
    return CommandReport(
        "compat check",
        result,
        int(ExitCode.OK if result == "current" else ExitCode.COMPAT_BEHIND),
        body={
            "app": release.app,
            "build": release.build,
            "products": [_lag_json(lag) for lag in reading.lags],
            "missing": [_gap_json(gap) for gap in reading.gaps],
        },
        headline=_check_headline(reading, result, newer),
        markdown=_lags_markdown(reading),
        outputs_={
            "newer": ", ".join(sorted({f"{n['product']} {n['version']}" for n in newer})),
            "newer-json": json.dumps(newer),
        },
        requests=session.client.requests_made,
        diagnostics=warnings,
    )


def _check_headline(reading: Reading, result: str, newer: list[dict[str, Any]]) -> str:
    shown = f"{reading.release.app} {reading.release.version}"
    if result == "behind":
        count = len({(n["product"], n["build"]) for n in newer})
        return f"{shown}: {count} host versions released above its max"
    if result == "incomplete":
        missing = ", ".join(sorted({f"{g.hosting} {g.product}" for g in reading.gaps}))
        return f"{shown}: the live version has no compatibility for {missing}"
    return f"{shown} covers every released host version"


def gap_warnings(reading: Reading) -> tuple[Diagnostic, ...]:
    """At release.yml's `product:` of each product the live version has no range for."""
    release = reading.release
    return tuple(
        warning(
            f"{gap.hosting}: the live version {release.version} has no {gap.product} "
            f"compatibility, though release.yml names it; `mpac-publisher publish` adds it "
            "(`status` shows the difference)",
            release.locate(("compatibility", gap.key_index, "product")),
            f"compatibility[{gap.key_index}].product",
        )
        for gap in reading.gaps
    )


def _gap_json(gap: Gap) -> dict[str, Any]:
    return {"hosting": gap.hosting, "product": gap.product, "parent_software_id": gap.parent_id}


def _warning(release: Release, lag: Lag) -> Diagnostic:
    """At release.yml's `max:` of that product: a workflow annotation on the line to raise."""
    key = ("compatibility", lag.key_index, "max")
    newest = lag.newer[-1].get("versionNumber")
    message = (
        f"{lag.hosting}: {lag.product} {newest} ({plural(len(lag.newer), 'version')} in all) "
        "was released "
        f"above the live max {lag.max_version or lag.max_build}; test it, then "
        "`mpac-publisher compat bump`"
    )
    return warning(message, release.locate(key), f"compatibility[{lag.key_index}].max")


def _lag_line(lag: Lag) -> str:
    shown = ", ".join(str(v.get("versionNumber")) for v in lag.newer) or "none"
    return f"{lag.hosting}: {lag.product} max {lag.max_version or lag.max_build}; newer: {shown}"


def _lag_json(lag: Lag) -> dict[str, Any]:
    return {
        "hosting": lag.hosting,
        "product": lag.product,
        "parent_software_id": lag.parent_id,
        "max_build": lag.max_build,
        "max": lag.max_version,
        "newer": [
            {"build": v["buildNumber"], "version": v.get("versionNumber")} for v in lag.newer
        ],
    }


def _lags_markdown(reading: Reading) -> str:
    rows = [
        [
            lag.hosting,
            lag.product,
            str(lag.max_version or lag.max_build),
            ", ".join(str(v.get("versionNumber")) for v in lag.newer) or "—",
        ]
        for lag in reading.lags
    ]
    rows += [[gap.hosting, gap.product, "no range at all", "—"] for gap in reading.gaps]
    return md_table(["hosting", "product", "live max", "released above it"], rows)
