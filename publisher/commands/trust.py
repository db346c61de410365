"""Parsed arguments -> the commands that check what shipped and who may ship: verify, doctor,
promote."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from pathlib import Path

from publisher.commands.run import WithReporter
from publisher.commands.session import Command, run_command
from publisher.commands.validate import ConfigOptions


def run_trust(args: argparse.Namespace, env: Mapping[str, str], with_reporter: WithReporter) -> int:
    name, command = _command(args, env)
    return run_command(args, env, with_reporter, name, command)


def _command(args: argparse.Namespace, env: Mapping[str, str]) -> tuple[str, Command]:
    if args.command == "doctor":
        from publisher.commands.doctor import DoctorOptions, doctor

        given = args.config
        found = given or (Path("release.yml") if Path("release.yml").exists() else None)
        config = _config(args, found) if found is not None else None
        account = (args.user or env.get("MPAC_USER") or "").strip()
        doctor_options = DoctorOptions(config, account)
        return "doctor", lambda session: doctor(doctor_options, session)
    if args.command == "promote":
        from publisher.commands.promote import PromoteOptions, promote

        given = args.config
        promote_config = _config(args, given) if given is not None else None
        promote_options = PromoteOptions(args.receipt, promote_config, args.execute)
        return "promote", lambda session: promote(promote_options, session)
    from publisher.commands.verify import VerifyOptions, verify

    target, config = args.config, None
    if target is not None and _is_file(target):
        config, target = _config(args, target), None
    elif target is None and args.receipt is None:
        config = _config(args, Path("release.yml"))
    options = VerifyOptions(
        config, None if target is None else str(target), args.receipt, args.file
    )
    return "verify", lambda session: verify(options, session)


def _config(args: argparse.Namespace, path: Path) -> ConfigOptions:
    return ConfigOptions.from_args(argparse.Namespace(**{**vars(args), "config": path}))


def _is_file(target: Path) -> bool:
    """release.yml when it names a file (or looks like one); APP@BUILD otherwise."""
    return target.exists() or target.suffix in (".yml", ".yaml") or "@" not in str(target)
