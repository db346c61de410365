"""`compat bump --write-config`: release.yml's `max:` brought up to the max that is live.

Everything that can refuse is done before the PUT: which file is rewritten (a symlink's target,
inside the workspace), that it can be rewritten, and each edit planned and checked by
config/edit.py. A write that still fails after the PUT says what is live and what to set by hand;
a re-run then brings release.yml up to the live max, which is already higher (never lower).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from publisher import events as ev
from publisher.commands.compat import Lag, Reading
from publisher.commands.session import Session
from publisher.commands.validate import ConfigOptions
from publisher.config.edit import (
    ScalarEdit,
    apply_edit,
    check_writable,
    edited_file,
    plan_edit,
    read_source,
)
from publisher.config.loader import workspace_root
from publisher.diagnostics import Location, error
from publisher.errors import ConfigError, PartialPublishError
from publisher.marketplace.answers import Json
from publisher.marketplace.errors import UnexpectedAnswer


@dataclass(frozen=True)
class MaxEdits:
    """The planned edits and the file they rewrite (None: nothing to write)."""

    file: str  # as the user named it
    target: Path | None = None
    edits: tuple[ScalarEdit, ...] = ()


def plan_max_edits(
    options: ConfigOptions,
    reading: Reading,
    targets: list[tuple[Lag, Json]],
    session: Session,
    dry_run: bool,
) -> MaxEdits:
    """The `max:` edits, planned (and the file checked) before any write to Marketplace."""
    file = str(options.config)
    wanted = _wanted(reading, targets)
    if not wanted:
        return MaxEdits(file)
    release = reading.release
    target = edited_file(release.config_path, _workspace(options, session))
    if not dry_run:
        check_writable(target, file)
    text = read_source(target).text
    edits = []
    for index, value in sorted(wanted.items()):
        key = ("compatibility", index, "max")
        _no_credential(value, session.secrets, f"compatibility[{index}].max")
        edit = plan_edit(text, key, value, file, session.secrets)
        if edit is not None:
            edits.append(edit)
    return MaxEdits(file, target, tuple(edits))


def write_max_edits(planned: MaxEdits, dry_run: bool, raised: list[str], session: Session) -> None:
    """Write (or, in a dry run, show) each edit; `raised`: the hostings raised just now."""
    verb = "would change" if dry_run else "changed"
    for edit in planned.edits:
        if not dry_run and planned.target is not None:
            try:
                apply_edit(planned.target, edit, planned.file, session.secrets)
            except (OSError, ConfigError) as exc:
                raise _not_written(planned, edit, exc, raised) from None
        shown = f"{edit.before.strip()} -> {edit.after.strip()}"
        session.emit(ev.Info(f"{planned.file}:{edit.line}: {verb} {shown}"))


def _wanted(reading: Reading, targets: list[tuple[Lag, Json]]) -> dict[int, str | int]:
    """compatibility[i] -> the value its max should read: the highest of the targets and the
    live maxes, when that is above what release.yml says (a max is never lowered)."""
    best: dict[int, tuple[int, Json]] = {}
    candidates = [(lag, t["buildNumber"], t) for lag, t in targets]
    candidates += [
        (lag, lag.max_build, {"buildNumber": lag.max_build, "versionNumber": lag.max_version})
        for lag in reading.lags
    ]
    for lag, build, version in candidates:
        if lag.key_index not in best or build > best[lag.key_index][0]:
            best[lag.key_index] = (build, version)
    wanted: dict[int, str | int] = {}
    for index, (build, version) in best.items():
        written = reading.release.compatibility[index].max
        if isinstance(written, int):
            value: str | int | None = build
        else:
            value = version.get("versionNumber")
        if value is not None and build > _written_build(reading, index, written):
            wanted[index] = value
    return wanted


def _written_build(reading: Reading, index: int, written: str | int) -> int:
    """release.yml's max as a build number; unknown ones count as the highest (left alone)."""
    if isinstance(written, int):
        return written
    pids = {lag.parent_id for lag in reading.lags if lag.key_index == index}
    builds = [
        int(v["buildNumber"])
        for pid in pids
        for v in reading.hosts.get(pid, [])
        if v.get("versionNumber") == written
    ]
    return max(builds) if builds else 1 << 63


def _workspace(options: ConfigOptions, session: Session) -> Path | None:
    if options.allow_outside_workspace:
        return None
    base = Path(os.path.abspath(options.config)).parent  # where the link is, not its target
    return workspace_root(base, options.workspace, session.env)


def _no_credential(value: str | int, secrets: tuple[str, ...], name: str) -> None:
    """A product version that contains a credential was echoed back: it is never written."""
    if any(s in str(value) for s in secrets):
        raise UnexpectedAnswer(
            f"the product version to write as {name} contains a credential",
            "GET /rest/3/parent-software/{id}/versions",
        )


def _not_written(
    planned: MaxEdits, edit: ScalarEdit, exc: OSError | ConfigError, raised: list[str]
) -> ConfigError | PartialPublishError:
    reason = (exc.strerror or str(exc)) if isinstance(exc, OSError) else exc.message
    at = Location(planned.file, edit.line, 1)
    wanted = edit.after.strip()
    if not raised:
        message = f"{planned.file}:{edit.line} could not be written ({reason})"
        return ConfigError(
            message,
            advice=f"set `{wanted}` by hand",
            diagnostics=(error(message, at),),
        )
    live = ", ".join(raised)
    message = (
        f"Marketplace's max is raised ({live}: live now), but {planned.file}:{edit.line} could "
        f"not be written ({reason})"
    )
    return PartialPublishError(
        message,
        advice=f"set `{wanted}` in {planned.file} by hand, or re-run the same command: it "
        "brings release.yml up to the live max",
        diagnostics=(error(message, at),),
    )
