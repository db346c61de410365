"""Parsed arguments -> the commands that follow a release (apps, status, compat, yank), and what
they share: which live app software release.yml's hostings name (`release_hostings`)."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from publisher import events as ev
from publisher.commands.live import AppSoftware, app_software
from publisher.commands.run import WithReporter
from publisher.commands.session import Command, Session, run_command
from publisher.commands.validate import ConfigOptions
from publisher.config.model import Release
from publisher.diagnostics import error
from publisher.errors import RejectedError


def run_after(args: argparse.Namespace, env: Mapping[str, str], with_reporter: WithReporter) -> int:
    name, command = _command(args)
    return run_command(args, env, with_reporter, name, command)


def _config(args: argparse.Namespace) -> ConfigOptions:
    return ConfigOptions.from_args(args)


def _command(args: argparse.Namespace) -> tuple[str, Command]:
    if args.command == "apps":
        from publisher.commands.apps import AppsOptions, apps

        options = AppsOptions(args.hosting, args.text)
        return "apps", lambda session: apps(options, session)
    if args.command == "status":
        from publisher.commands.status import StatusOptions, status

        target = args.config
        if target is None or _is_file(target):
            config = _config(
                argparse.Namespace(**{**vars(args), "config": target or Path("release.yml")})
            )
            return "status", lambda s: status(StatusOptions(config, None, args.versions), s)
        return "status", lambda s: status(StatusOptions(None, str(target), args.versions), s)
    if args.command == "compat":
        from publisher.commands.bump import BumpOptions, bump
        from publisher.commands.compat import check

        if args.compat_action == "check":
            config = _config(args)
            return "compat check", lambda s: check(config, s)
        bump_options = BumpOptions(
            _config(args), args.to, args.dry_run, args.write_config, args.verified, args.force
        )
        return "compat bump", lambda s: bump(bump_options, s)
    from publisher.commands.yank import YankOptions, yank

    yank_options = YankOptions(_config(args), args.build, args.replacement, args.execute)
    return "yank", lambda s: yank(yank_options, s)


def _is_file(target: Path) -> bool:
    """release.yml when it names a file (or looks like one); an app key otherwise."""
    return target.exists() or target.suffix in (".yml", ".yaml") or "/" in str(target)


@dataclass(frozen=True)
class Hostings:
    """The app software of the hostings asked for, as Marketplace lists it; `live` is acted on."""

    matching: tuple[AppSoftware, ...]

    @property
    def live(self) -> tuple[AppSoftware, ...]:
        return tuple(e for e in self.matching if not e.archived)


def release_hostings(session: Session, app_key: str, release: Release | None) -> Hostings:
    """The app software of release.yml's hostings (every hosting without one), archived ones
    said so. None at all, or none live for release.yml, is refused (exit 6): a command that
    found nothing to look at must not report "current" or "nothing to do"."""
    found = app_software(session.client, session.policy, app_key)
    if not found:
        raise RejectedError(
            f"Marketplace has no app software for {app_key}",
            advice="check the app key (release.yml's `app`), and that MPAC_USER's account owns it",
        )
    wanted = release.hostings if release else None
    matching = Hostings(tuple(e for e in found if wanted is None or e.hosting in wanted))
    for entry in matching.matching:
        if entry.archived:
            session.emit(ev.Info(f"{entry.hosting}: archived, skipped"))
    if release is None:
        return matching
    listed = {e.hosting for e in found}
    for hosting in release.hostings:
        if hosting not in listed:
            session.emit(ev.Info(f"{hosting}: Marketplace has no app software for it, skipped"))
    if not matching.live:
        raise _none_live(release, found)
    return matching


def _none_live(release: Release, found: list[AppSoftware]) -> RejectedError:
    shown = ", ".join(f"{e.hosting}{' (archived)' if e.archived else ''}" for e in found)
    message = (
        f"{release.app}: no live app software for release.yml's hosting "
        f"{', '.join(release.hostings)}; Marketplace lists {shown}"
    )
    where = error(message, release.locate(("hosting",)), "hosting")
    return RejectedError(
        message,
        advice="set `hosting:` to a hosting Marketplace lists live (an archived app software "
        "takes no changes)",
        diagnostics=(where,),
    )
