"""The glue between parsed arguments and the publish command: credentials before any output."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping
from functools import partial
from typing import Any

from publisher import events as ev
from publisher.commands.publish import PublishOptions, publish
from publisher.commands.seams import seams_from
from publisher.commands.validate import ConfigOptions
from publisher.diagnostics import error
from publisher.errors import ExitCode, PublisherError, UsageError
from publisher.marketplace.connection import Connection, Credentials, api_root, credentials
from publisher.marketplace.transfer import deadlines_from
from publisher.outcome import RunReport
from publisher.publish.listing_state import ListingStateChoice
from publisher.publish.model import PlanChoices
from publisher.secrets import Redactor, secret_forms

Runner = Callable[[Callable[..., None]], int]  # runs a command with a reporter's emit
WithReporter = Callable[[argparse.Namespace, Mapping[str, str], Redactor, Runner], int]


REHEARSED = (
    "a rehearsal: this ran against a local sandbox Marketplace started for this run and now "
    "stopped; nothing was sent to Atlassian Marketplace"
)


def run_publish(
    args: argparse.Namespace,
    env: Mapping[str, str],
    with_reporter: WithReporter,
    redact: Redactor | None = None,
) -> int:
    dry_run = args.command == "plan" or bool(getattr(args, "dry_run", False))
    user = args.user or env.get("MPAC_USER")
    redact = redact or Redactor()
    redact.add(secret_forms(user, env.get("MPAC_TOKEN")))  # in place: the caller's copy too
    config = ConfigOptions.from_args(args)
    with _sandbox(args.sandbox) as rehearsal, _scratch(args.sandbox) as scratch:
        if scratch is not None:  # a rehearsal leaves no ledger or journal behind
            env = {**env, "MPAC_STATE_DIR": scratch}
        try:
            choices = PlanChoices(args.images, args.allow_duplicate_version, _listing_state(args))
            connection = _connection(args, env, dry_run, rehearsal)
            deadlines = deadlines_from(env)
        except PublisherError as exc:
            refused = partial(_refused, exc, args, dry_run)
            return with_reporter(args, env, redact, refused)
        if connection.credentials:
            redact.add(connection.credentials.secrets)  # before the reporter prints anything
        seams = dataclasses.replace(seams_from(env, connection), deadlines=deadlines)
        options = PublishOptions(
            config,
            connection,
            dry_run,
            seams,
            choices,
            replace_artifact=bool(getattr(args, "replace_artifact", False)),
            receipt=getattr(args, "receipt", None),
            stage=bool(getattr(args, "stage", False)),
        )
        code = with_reporter(args, env, redact, lambda emit: publish(options, env, emit))
    if rehearsal is not None:  # a "published" that reached no real Marketplace must say so
        sys.stderr.write(f"  {REHEARSED}\n")
    return code


def run_sandbox(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    from publisher.commands.rehearsal import RehearsalSeedError, rehearsal_seed
    from publisher.sandbox import SeedError, serve

    try:
        seed = rehearsal_seed(args.for_release, env) if args.for_release else args.seed
        return serve(port=args.port, seed=seed)
    except RehearsalSeedError as exc:
        for diagnostic in exc.diagnostics:
            sys.stderr.write(diagnostic.render() + "\n")
        sys.stderr.write(f"mpac-publisher sandbox: {args.for_release} is invalid: fix it first\n")
        return int(ExitCode.INVALID_CONFIG)
    except SeedError as exc:
        sys.stderr.write(f"mpac-publisher sandbox: {exc}\n")
        return int(ExitCode.INVALID_CONFIG)
    except OSError as exc:  # the port is taken, or the seed file cannot be read
        sys.stderr.write(f"mpac-publisher sandbox: {exc.strerror or exc}\n")
        return int(ExitCode.USAGE)


def _connection(
    args: argparse.Namespace, env: Mapping[str, str], dry_run: bool, rehearsal: Any
) -> Connection:
    if rehearsal is not None:
        user, token = rehearsal.credentials
        return Connection(rehearsal.url.rstrip("/"), Credentials(user, token))
    root = api_root(args.api_url, env)
    stdin = sys.stdin if args.token_stdin else None
    return Connection(root, credentials(args.user, env, token_stdin=stdin, required=not dry_run))


@contextlib.contextmanager
def _sandbox(wanted: bool) -> Iterator[Any]:
    if not wanted:
        yield None
        return
    from publisher.sandbox import Sandbox, SandboxSettings

    with Sandbox(settings=SandboxSettings(auto_create_apps=True), port=0) as sandbox:
        yield sandbox


@contextlib.contextmanager
def _scratch(wanted: bool) -> Iterator[str | None]:
    """A throw-away state directory for a rehearsal; none otherwise (TMPDIR need not work)."""
    if not wanted:
        yield None
        return
    with tempfile.TemporaryDirectory() as directory:
        yield directory


def _refused(exc: PublisherError, args: argparse.Namespace, dry_run: bool, emit: ev.Emit) -> int:
    emit(ev.Problem(error(exc.message)))
    report = RunReport(
        command="plan" if dry_run else "publish",
        config=str(args.config),
        result="failed",
        exit_code=int(exc.exit_code),
        dry_run=dry_run,
        error=exc.message,
        advice=exc.advice,
    )
    emit(ev.Finished(report))
    return report.exit_code


def _listing_state(args: argparse.Namespace) -> ListingStateChoice:
    """`--stage` keeps every existing listing's state (the plan's default), so a re-run after
    `promote` never hides it again; asking it to set a live state too is a contradiction."""
    choice: ListingStateChoice = getattr(args, "listing_state", "keep")
    if getattr(args, "stage", False) and choice == "release":
        raise UsageError(
            "--stage keeps each existing listing's live state; --listing-state release would "
            "change it",
            advice="drop one of them: `promote` makes a staged listing public",
        )
    return choice
