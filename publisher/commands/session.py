"""What the after-release commands share: the client and retry policy, credentials checked before
any output, the release.yml they read, and a failure turned into a CommandReport."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from publisher import events as ev
from publisher.commands.run import WithReporter
from publisher.commands.seams import seams_from
from publisher.commands.validate import ConfigOptions, load
from publisher.concurrency import serialized, stop_in_flight
from publisher.config.model import Release
from publisher.diagnostics import error
from publisher.errors import ConfigError, PublisherError
from publisher.exits import StoppedError
from publisher.marketplace.client import Marketplace
from publisher.marketplace.connection import Connection, api_root, credentials
from publisher.marketplace.errors import ApiError
from publisher.marketplace.retry import RetryPolicy
from publisher.outcome import CommandReport
from publisher.secrets import Redactor, secret_forms


@dataclass(frozen=True)
class Session:
    client: Marketplace
    policy: RetryPolicy
    env: Mapping[str, str]
    emit: ev.Emit
    secrets: tuple[str, ...] = ()  # every form of the credentials: never written into a file


Command = Callable[[Session], CommandReport]


def run_command(
    args: argparse.Namespace,
    env: Mapping[str, str],
    with_reporter: WithReporter,
    name: str,
    command: Command,
) -> int:
    """Connect (credentials required: these commands read private state), run, report."""
    redact = Redactor(secret_forms(env.get("MPAC_USER"), env.get("MPAC_TOKEN")))
    try:
        root = api_root(args.api_url, env)
        stdin = sys.stdin if args.token_stdin else None
        account = credentials(args.user, env, token_stdin=stdin, required=True)
        connection = Connection(root, account)
    except PublisherError as exc:
        refused = failed(name, exc)
        return with_reporter(args, env, redact, lambda emit: _finish(emit, refused))
    if connection.credentials:
        redact.add(connection.credentials.secrets)  # before the reporter prints anything

    def go(emit: ev.Emit) -> int:
        emit = serialized(emit)  # reads run side by side: one event at a time
        seams = seams_from(env, connection)
        client = Marketplace(connection, timeouts=seams.timeouts)
        client.remember_reads()  # these commands only read before they write (once.py)
        client.warm_up()  # the connections their side-by-side rounds need (prewarm.py)
        policy = RetryPolicy(attempts=seams.retry_attempts, initial=seams.retry_initial, emit=emit)
        try:
            report = command(Session(client, policy, env, emit, redact.secrets))
        except PublisherError as exc:
            for d in exc.diagnostics:
                emit(ev.Problem(d))
            report = failed(name, exc, client.requests_made)
        except KeyboardInterrupt as interrupt:  # SIGINT/SIGTERM before any write: the command's
            stop_in_flight()  # wherever the signal landed, nothing it started runs on
            report = failed(name, StoppedError(interrupt), client.requests_made)  # own document
            report = dataclasses.replace(report, result="interrupted")
        finally:
            client.close()
        return _finish(emit, report)

    return with_reporter(args, env, redact, go)


def failed(name: str, exc: PublisherError, requests: int = 0) -> CommandReport:
    return CommandReport(
        name,
        "failed",
        int(exc.exit_code),
        requests=requests,
        diagnostics=exc.diagnostics,
        error=exc.message,
        advice=exc.advice,
    )


def _finish(emit: ev.Emit, report: CommandReport) -> int:
    if report.error and not report.diagnostics:
        emit(ev.Problem(error(report.error)))
    emit(ev.Finished(report))
    return report.exit_code


def load_release(config: ConfigOptions, session: Session) -> Release:
    """release.yml, valid as `validate` checks it; else a ConfigError carrying every problem."""
    session.emit(ev.StageStarted("load"))
    found = load(config, session.env, lambda event: None)  # diagnostics travel with the error
    session.emit(ev.StageFinished("load"))
    if found.release is None or not found.ok:
        raise ConfigError(f"{found.file} is invalid", diagnostics=tuple(found.diagnostics))
    return found.release


def api_hint(exc: ApiError, what: str) -> str | None:
    """Advice for a 400/403 on a developer-space path: the usual vendor/developer id mix-up."""
    if exc.status in (400, 403, 404):
        return (
            f"{what}: a numeric vendor id where the developer id (a UUID) belongs is the usual "
            "cause; set MPAC_DEVELOPER_ID to the UUID, or MPAC_VENDOR_ID to the number"
        )
    return None
