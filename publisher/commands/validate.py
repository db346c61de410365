"""`mpac-publisher validate`: every problem in release.yml at once, each at its line."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from publisher import events as ev
from publisher.config import LoadResult, load_release
from publisher.errors import ExitCode
from publisher.outcome import HostingResult, RunReport


@dataclass(frozen=True)
class ConfigOptions:
    config: Path
    workspace: Path | None = None
    allow_outside_workspace: bool = False

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> ConfigOptions:
        """The release.yml options every command that reads one takes (cli.py's arguments)."""
        return cls(args.config, args.workspace, args.allow_outside_workspace)


def load(options: ConfigOptions, env: Mapping[str, str], emit: ev.Emit) -> LoadResult:
    """Load release.yml and emit each diagnostic; shared by validate and publish."""
    result = load_release(
        options.config,
        env=env,
        workspace=options.workspace,
        allow_outside_workspace=options.allow_outside_workspace,
        display_name=str(options.config),
    )
    for diagnostic in result.diagnostics:
        emit(ev.Problem(diagnostic))
    return result


def validate(options: ConfigOptions, env: Mapping[str, str], emit: ev.Emit) -> int:
    result = load(options, env, emit)
    release = result.release
    code = ExitCode.OK if result.ok else ExitCode.INVALID_CONFIG
    report = RunReport(
        command="validate",
        config=result.file,
        result="valid" if result.ok else "invalid",
        exit_code=int(code),
        app=release.app if release else None,
        version=release.version if release else None,
        build=release.build if release else None,
        hostings=tuple(HostingResult(h) for h in release.hostings) if release else (),
        diagnostics=tuple(result.diagnostics),
        error=None if result.ok else result.verdict,
    )
    emit(ev.Finished(report))
    return int(code)
