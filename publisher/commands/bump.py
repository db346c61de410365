"""`mpac-publisher compat bump release.yml`: raise the live version's maxBuildNumber (GET, change,
PUT with `revision`); never lower a range, never create a version, never upload. `--dry-run`
shows the JSON Patch; `--write-config` also sets release.yml's `max:` in place."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import jsonpatch

from publisher import events as ev
from publisher.commands.bump_config import MaxEdits, plan_max_edits, write_max_edits
from publisher.commands.compat import Lag, Reading, gap_warnings, read_lags
from publisher.commands.hosting_steps import HostingStep, ended, step_through
from publisher.commands.session import Session, load_release
from publisher.commands.validate import ConfigOptions
from publisher.commands.verified import refuse_breaking
from publisher.config.edit import ScalarEdit
from publisher.errors import ExitCode, UsageError
from publisher.marketplace.answers import Json
from publisher.marketplace.revise import VERSION_SERVER_FIELDS, put_revised, with_server_fields
from publisher.outcome import CommandReport
from publisher.publish.payloads import comparable_version
from publisher.report.document import md_table
from publisher.report.markdown import code, details, fence, text


@dataclass(frozen=True)
class BumpOptions:
    config: ConfigOptions
    to: str = "latest"  # "latest", "VERSION" or "PRODUCT=VERSION"
    dry_run: bool = False
    write_config: bool = False
    verified: Path | None = None  # a `compat verify --json` document (commands/verified.py)
    force: str | None = None  # the reason to raise past a version it found breaking


def bump(options: BumpOptions, session: Session) -> CommandReport:
    release = load_release(options.config, session)
    reading = read_lags(session, release)
    warnings = gap_warnings(reading)  # a product without a range has no max to raise
    for w in warnings:
        session.emit(ev.Problem(w))
    targets = _targets(reading, options.to)
    forced = refuse_breaking(options.verified, options.force, reading, targets)
    for diagnostic in forced:
        session.emit(ev.Problem(diagnostic))
    planned = MaxEdits(str(options.config.config))  # release.yml edits: before any PUT
    if options.write_config:
        planned = plan_max_edits(options.config, reading, targets, session, options.dry_run)
    steps = step_through(
        list(reading.lives.items()),
        lambda pair: pair[0],
        lambda pair: _bump_hosting(pair[0], pair[1], targets, reading, options, session),
        session.policy,
        lambda pair: {"patch": []},
    )
    hostings = [s.to_json() for s in steps.done]
    if steps.stopped is not None:  # release.yml follows Marketplace only once every hosting did
        planned = MaxEdits(planned.file)
    edits = list(planned.edits)
    write_max_edits(planned, options.dry_run, _raised(hostings, targets, reading), session)
    changed = any(h["action"] != "unchanged" for h in hostings)
    result = "unchanged" if not changed else ("planned" if options.dry_run else "raised")
    report = CommandReport(
        "compat bump",
        result,
        int(ExitCode.OK),
        body={
            "app": release.app,
            "build": release.build,
            "to": options.to,
            "targets": [_target_json(lag, t) for lag, t in targets],
            "hostings": hostings,
            "config_edits": [_edit_json(e) for e in edits],
        },
        headline=_headline(result, targets, options.dry_run),
        markdown=_markdown(targets, hostings, edits),
        outputs_={"max": ", ".join(f"{lag.product} {t['versionNumber']}" for lag, t in targets)},
        dry_run=options.dry_run,
        requests=session.client.requests_made,
        diagnostics=warnings + forced,
    )
    return ended(report, steps)


def _bump_hosting(
    hosting: str,
    live: Json,
    targets: list[tuple[Lag, Json]],
    reading: Reading,
    options: BumpOptions,
    session: Session,
) -> HostingStep:
    raise_to = {lag.parent_id: t["buildNumber"] for lag, t in targets if lag.hosting == hosting}
    change = partial(raised, raise_to)
    body = change(live)
    if body is None:
        return HostingStep(hosting, "unchanged", fields={"patch": []})
    patch = _patch(live, body)
    title = f"{hosting} version {reading.release.version}"
    session.emit(ev.Info(f"{title}: JSON Patch:"))
    for line in json.dumps(patch, indent=2).splitlines():
        session.emit(ev.Info("  " + line))
    if options.dry_run:
        return HostingStep(hosting, "planned", fields={"patch": patch})
    app_id = next(lag.app_software_id for lag, _ in targets if lag.hosting == hosting)
    client, build = session.client, reading.release.build
    sent = put_revised(
        session.policy,
        session.emit,
        title,
        partial(client.get_version, app_id, build),
        change,
        partial(client.update_version, app_id, build),
        live=live,
    )
    if sent is None:  # raised meanwhile, by someone else: nothing was written by this run
        return HostingStep(hosting, "unchanged", fields={"patch": []})
    return HostingStep(hosting, "raised", written=True, fields={"patch": patch})


def raised(targets: dict[str, int], current: Json) -> Json | None:
    """The PUT body with each max raised to its target; None if none is lower (never lowered)."""
    doc = comparable_version(current)
    changed = False
    for c in doc.get("compatibilities") or []:
        target, high = targets.get(str(c.get("parentSoftwareId"))), c.get("maxBuildNumber")
        if target is not None and isinstance(high, int) and target > high:
            c["maxBuildNumber"] = target
            changed = True
    if not changed:
        return None
    return with_server_fields(doc, current, VERSION_SERVER_FIELDS)


def _patch(live: Json, body: Json) -> list[dict[str, Any]]:
    after = {k: v for k, v in body.items() if k not in VERSION_SERVER_FIELDS}
    return list(jsonpatch.make_patch(comparable_version(live), after).patch)


def _targets(reading: Reading, to: str) -> list[tuple[Lag, Json]]:
    """(lag, host version to raise to) for each product whose max is below the target."""
    product, _, number = to.rpartition("=")
    lags = list(reading.lags)
    if product:
        lags = [lag for lag in lags if _names(reading, lag) & {product.strip().lower()}]
        if not lags:
            raise UsageError(f"--to {to}: release.yml's compatibility has no product {product!r}")
    if number.strip().lower() == "latest":
        return [(lag, lag.newer[-1]) for lag in lags if lag.newer]
    if len({lag.parent_id for lag in lags}) > 1:
        raise UsageError(
            f"--to {to}: release.yml names several products; say which, e.g. --to jira={number}"
        )
    found = []
    for lag in lags:
        version = next(
            (v for v in reading.hosts[lag.parent_id] if v.get("versionNumber") == number), None
        )
        if version is None:
            raise UsageError(f"--to {to}: {lag.product} has no version {number} on Marketplace")
        if version["buildNumber"] > lag.max_build:
            found.append((lag, version))
    return found


def _names(reading: Reading, lag: Lag) -> set[str]:
    written = reading.release.compatibility[lag.key_index].product
    return {lag.product.lower(), lag.parent_id.lower(), written.lower()}


def _raised(
    hostings: list[dict[str, Any]], targets: list[tuple[Lag, Json]], reading: Reading
) -> list[str]:
    """What this run made live, in words ("datacenter 2.4.0: Jira max 10.8.0")."""
    done = {h["hosting"] for h in hostings if h["action"] == "raised"}
    version = reading.release.version
    return [
        f"{lag.hosting} {version}: {lag.product} max {t['versionNumber']}"
        for lag, t in targets
        if lag.hosting in done
    ]


def _target_json(lag: Lag, target: Json) -> dict[str, Any]:
    return {
        "hosting": lag.hosting,
        "product": lag.product,
        "from_build": lag.max_build,
        "from": lag.max_version,
        "to_build": target["buildNumber"],
        "to": target.get("versionNumber"),
    }


def _edit_json(edit: ScalarEdit) -> dict[str, Any]:
    return {"line": edit.line, "before": edit.before, "after": edit.after}


def _headline(result: str, targets: list[tuple[Lag, Json]], dry_run: bool) -> str:
    if result == "unchanged":
        return "the live max already covers the target: nothing to raise"
    shown = ", ".join(
        f"{lag.product} {lag.max_version or lag.max_build} -> {t['versionNumber']}"
        for lag, t in targets
    )
    return f"{'would raise' if dry_run else 'raised'} max compatibility: {shown}" + (
        " (dry run: nothing was written)" if dry_run else ""
    )


def _markdown(
    targets: list[tuple[Lag, Json]], hostings: list[dict[str, Any]], edits: list[ScalarEdit]
) -> str:
    rows = [
        [lag.hosting, lag.product, str(lag.max_version or lag.max_build), str(t["versionNumber"])]
        for lag, t in targets
    ]
    parts = [md_table(["hosting", "product", "from", "to"], rows)] if rows else []
    parts.append(md_table(["hosting", "action"], [[h["hosting"], h["action"]] for h in hostings]))
    for h in hostings:
        if h["patch"]:
            patch = json.dumps(h["patch"], indent=2)
            parts.append(details(f"{text(h['hosting'])}: JSON Patch", fence(patch, "json")))
    parts += [
        f"release.yml line {e.line}: {code(e.before.strip())} → {code(e.after.strip())}"
        for e in edits
    ]
    return "\n\n".join(parts)
