"""Parsed arguments -> the commands that follow a release: apps, status, compat, yank."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from pathlib import Path

from publisher.commands.run import WithReporter
from publisher.commands.session import Command, run_command
from publisher.commands.validate import ConfigOptions


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
