"""`compat bump --verified REPORT`: never raise a max past a host version that `compat verify`
found breaking (REPORT is its --json document), unless `--force REASON`; a forced raise is
recorded as a warning in the result (its JSON, annotations and job summary)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from publisher.commands.compat import Lag, Reading
from publisher.diagnostics import Diagnostic, warning
from publisher.errors import ExitCode, PublisherError, UsageError
from publisher.marketplace.answers import Json

MAX_REPORT = 64 << 20


class BreakingTargetError(PublisherError):
    exit_code = ExitCode.COMPAT_BREAKS
    title = "compat verify found it breaking"


def breaking_versions(report: Path) -> dict[str, set[str]]:
    """Product (release.yml's, lower case) -> the versions the report says break (or left
    unchecked)."""
    try:
        with report.open("rb") as handle:
            document = json.loads(handle.read(MAX_REPORT + 1))
    except (OSError, ValueError) as exc:
        raise UsageError(f"--verified {report}: cannot be read as JSON: {exc}") from None
    ours = isinstance(document, dict) and document.get("command") == "compat verify"
    hosts = document.get("hosts") if ours else None
    if not isinstance(hosts, list):
        raise UsageError(
            f"--verified {report}: not a `compat verify --json` document",
            advice="mpac-publisher compat verify release.yml --against ... --json > verify.json",
        )
    found: dict[str, set[str]] = {}
    for host in hosts:
        if isinstance(host, dict) and host.get("result") != "compatible":
            found.setdefault(str(host.get("product")).lower(), set()).add(str(host.get("version")))
    return found


def refuse_breaking(
    report: Path | None, force: str | None, reading: Reading, targets: list[tuple[Lag, Json]]
) -> tuple[Diagnostic, ...]:
    """Raise BreakingTargetError for a target at or past a breaking version; with --force, the
    warnings that record it."""
    if report is None:
        return ()
    breaking = breaking_versions(report)
    crossed = [
        (lag, version)
        for lag, target in targets
        for version in sorted(breaking.get(_product(reading, lag), ()))
        if _at_or_past(reading, lag, target, version)
    ]
    if not crossed:
        return ()
    names = ", ".join(f"{lag.product} {version}" for lag, version in crossed)
    if not force:
        raise BreakingTargetError(
            f"{names}: `compat verify` found it breaking ({report}); the max is not raised",
            advice="fix the plugin and verify again, or raise it anyway with --force REASON "
            "(the reason is recorded)",
        )
    return tuple(
        warning(
            f"forced past {lag.product} {version}, which `compat verify` found breaking "
            f"({report}): {force}",
            reading.release.locate(("compatibility", lag.key_index, "max")),
            f"compatibility[{lag.key_index}].max",
        )
        for lag, version in crossed
    )


def _product(reading: Reading, lag: Lag) -> str:
    return reading.release.compatibility[lag.key_index].product.lower()


def _at_or_past(reading: Reading, lag: Lag, target: Json, version: str) -> bool:
    """Whether raising the max to `target` covers `version` (by build when Marketplace lists it)."""
    build = next(
        (
            v["buildNumber"]
            for v in reading.hosts.get(lag.parent_id, [])
            if v.get("versionNumber") == version
        ),
        None,
    )
    if build is not None:
        return bool(target["buildNumber"] >= build)
    return _numbers(str(target.get("versionNumber"))) >= _numbers(version)


def _numbers(version: str) -> tuple[Any, ...]:
    return tuple(int(p) if p.isdigit() else 0 for p in version.split("."))
