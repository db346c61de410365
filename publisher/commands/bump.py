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
from publisher.commands.compat import Lag, Reading, read_lags
from publisher.commands.session import Session, load_release
from publisher.commands.validate import ConfigOptions
from publisher.commands.verified import refuse_breaking
from publisher.config.edit import ScalarEdit, apply_edit, plan_edit
from publisher.errors import ExitCode, UsageError
from publisher.marketplace.answers import Json
from publisher.marketplace.revise import VERSION_SERVER_FIELDS, put_revised, with_server_fields
from publisher.outcome import CommandReport
from publisher.publish.payloads import comparable_version
from publisher.report.document import md_table


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
    targets = _targets(reading, options.to)
    forced = refuse_breaking(options.verified, options.force, reading, targets)
    for diagnostic in forced:
        session.emit(ev.Problem(diagnostic))
    edits = _planned_edits(options, reading, targets)
    hostings = [
        _bump_hosting(lag_hosting, live, targets, reading, options, session)
        for lag_hosting, live in reading.lives.items()
    ]
    _write_edits(options, reading, edits, session)
    changed = any(h["action"] != "unchanged" for h in hostings)
    result = "unchanged" if not changed else ("planned" if options.dry_run else "raised")
    return CommandReport(
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
        diagnostics=forced,
    )


def _bump_hosting(
    hosting: str,
    live: Json,
    targets: list[tuple[Lag, Json]],
    reading: Reading,
    options: BumpOptions,
    session: Session,
) -> dict[str, Any]:
    raise_to = {lag.parent_id: t["buildNumber"] for lag, t in targets if lag.hosting == hosting}
    change = partial(raised, raise_to)
    body = change(live)
    if body is None:
        return {"hosting": hosting, "action": "unchanged", "patch": []}
    patch = _patch(live, body)
    title = f"{hosting} version {reading.release.version}"
    session.emit(ev.Info(f"{title}: JSON Patch:"))
    for line in json.dumps(patch, indent=2).splitlines():
        session.emit(ev.Info("  " + line))
    if options.dry_run:
        return {"hosting": hosting, "action": "planned", "patch": patch}
    app_id = next(lag.app_software_id for lag, _ in targets if lag.hosting == hosting)
    client, build = session.client, reading.release.build
    put_revised(
        session.policy,
        session.emit,
        title,
        partial(client.get_version, app_id, build),
        change,
        partial(client.update_version, app_id, build),
        live=live,
    )
    return {"hosting": hosting, "action": "raised", "patch": patch}


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


def _planned_edits(
    options: BumpOptions, reading: Reading, targets: list[tuple[Lag, Json]]
) -> list[ScalarEdit]:
    """release.yml's `max:` edits, planned before any write so a refusal leaves all as it was."""
    if not options.write_config or not targets:
        return []
    release = reading.release
    highest: dict[int, Json] = {}
    for lag, t in targets:
        if lag.key_index not in highest or t["buildNumber"] > highest[lag.key_index]["buildNumber"]:
            highest[lag.key_index] = t
    text = release.config_path.read_text("utf-8")
    edits = []
    for index, t in sorted(highest.items()):
        written = release.compatibility[index].max
        value = t["buildNumber"] if isinstance(written, int) else str(t["versionNumber"])
        edit = plan_edit(text, ("compatibility", index, "max"), value, str(options.config.config))
        if edit is not None:
            edits.append(edit)
    return edits


def _write_edits(
    options: BumpOptions, reading: Reading, edits: list[ScalarEdit], session: Session
) -> None:
    verb = "would change" if options.dry_run else "changed"
    for edit in edits:
        if not options.dry_run:
            apply_edit(reading.release.config_path, edit)
        shown = f"{edit.before.strip()} -> {edit.after.strip()}"
        session.emit(ev.Info(f"{options.config.config}:{edit.line}: {verb} {shown}"))


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
    for h in hostings:
        if h["patch"]:
            patch = json.dumps(h["patch"], indent=2)
            parts.append(
                f"<details><summary>{h['hosting']}: JSON Patch</summary>\n\n```json\n"
                f"{patch}\n```\n</details>"
            )
    parts += [
        f"release.yml line {e.line}: `{e.before.strip()}` → `{e.after.strip()}`" for e in edits
    ]
    return "\n\n".join(parts)
