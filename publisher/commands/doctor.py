"""`mpac-publisher doctor [release.yml]`: are these credentials good for publishing? Reads only.

Checks that MPAC_USER looks like an account email, that MPAC_TOKEN_EXPIRES (a date the user
records when making the token: no API tells it) is not near or past, that the token is accepted,
that the developer space resolves and the account may read it, and that release.yml's app is
visible on each of its hostings. A 401, 403 and 404 each get their own message; every message
names the account, never the token."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from publisher import events as ev
from publisher.commands.developer import developer_id
from publisher.commands.live import app_software
from publisher.commands.session import Session, load_release
from publisher.commands.validate import ConfigOptions
from publisher.diagnostics import error, warning
from publisher.errors import ExitCode, PublisherError
from publisher.marketplace.errors import ApiError
from publisher.outcome import CommandReport
from publisher.report.document import md_table
from publisher.secrets import looks_like_email

EXPIRY_WARNING_DAYS = 14
TOKENS_PAGE = "https://id.atlassian.com/manage-profile/security/api-tokens"


@dataclass(frozen=True)
class DoctorOptions:
    config: ConfigOptions | None  # None: no release.yml here, so no app to look for
    account: str  # MPAC_USER or --user, as the credentials were checked
    today: Callable[[], dt.date] = field(default=lambda: dt.datetime.now(dt.UTC).date())


@dataclass(frozen=True)
class Finding:
    check: str  # account, token expiry, token, developer space, app on <hosting>
    status: str  # ok, warning, failed, skipped
    message: str


def doctor(options: DoctorOptions, session: Session) -> CommandReport:
    account = options.account
    findings = [_account(account), _expiry(session.env.get("MPAC_TOKEN_EXPIRES", ""), options)]
    session.emit(ev.StageStarted("doctor"))
    findings += _remote(options, session, account)
    session.emit(ev.StageFinished("doctor"))
    for finding in findings:
        _emit(session, finding)
    return _report(account, findings, session)


def _remote(options: DoctorOptions, session: Session, account: str) -> list[Finding]:
    """The reads: the developer space (when named), then the app of release.yml."""
    reads: list[tuple[str, Callable[[], list[Finding]]]] = []
    env = session.env
    if env.get("MPAC_DEVELOPER_ID", "").strip() or env.get("MPAC_VENDOR_ID", "").strip():
        reads.append(("developer space", lambda: _developer(session, account)))
    config = options.config
    if config is not None:
        reads.append(("app", lambda: _app(config, session, account)))
    if not reads:
        return [
            Finding(
                "token",
                "failed",
                f"nothing to check the token of {account} against: give release.yml, or set "
                "MPAC_DEVELOPER_ID (or MPAC_VENDOR_ID)",
            )
        ]
    found: list[Finding] = []
    for name, read in reads:
        if any(f.check == "token" and f.status == "failed" for f in found):
            found.append(Finding(name, "skipped", "not checked: the token was refused"))
            continue
        try:
            found += read()
        except ApiError as exc:
            found += _classified(exc, name, account)
    if not any(f.check == "token" for f in found):
        found.insert(0, Finding("token", "ok", f"Marketplace accepted the token of {account}"))
    return found


def _developer(session: Session, account: str) -> list[Finding]:
    try:
        space = developer_id(session.env, session.client, session.policy)
    except PublisherError as exc:
        if isinstance(exc, ApiError):
            raise
        return [Finding("developer space", "failed", f"{exc.message} ({account})")]
    first = session.client.developer_apps(space)
    session.policy.read("read developer space", lambda: next(iter(first), None))
    return [Finding("developer space", "ok", f"{account} may read developer space {space}")]


def _app(config: ConfigOptions, session: Session, account: str) -> list[Finding]:
    release = load_release(config, session)
    live = {e.hosting for e in app_software(session.client, session.policy, release.app)}
    return [
        Finding(f"app on {h}", "ok", f"{release.app} ({h}) is visible to {account}")
        if h in live
        else Finding(
            f"app on {h}", "failed", f"{release.app} has no {h} hosting visible to {account}"
        )
        for h in release.hostings
    ]


def _classified(exc: ApiError, what: str, account: str) -> list[Finding]:
    """A 401, 403 or 404, each in its own words; anything else as Marketplace said it."""
    if exc.status == 401:
        return [
            Finding(
                "token",
                "failed",
                f"Marketplace refused the token of {account} (401): it has expired or was "
                "revoked (Atlassian API tokens live at most a year), or it is another account's. "
                f"Make a new one at {TOKENS_PAGE}, store it as MPAC_TOKEN and its expiry date "
                "as MPAC_TOKEN_EXPIRES",
            )
        ]
    if exc.status == 403:
        message = (
            f"{account} may not read the {what} (403): the account is not a member of the app's "
            "developer space, or its role there may not manage apps (ask an admin of the space)"
        )
    elif exc.status == 404:
        message = (
            f"the {what} is not visible to {account} (404): check the app key (or "
            "MPAC_DEVELOPER_ID / MPAC_VENDOR_ID), and that it belongs to a developer space "
            f"{account} is a member of"
        )
    else:
        message = f"{exc.message} ({account})"
    return [Finding(what, "failed", message)]  # the token was accepted: this is not a 401


def _account(account: str) -> Finding:
    if looks_like_email(account):
        return Finding("account", "ok", f"MPAC_USER is an email address: {account}")
    return Finding(
        "account",
        "failed",
        "MPAC_USER does not look like an account email (its value is not shown)",
    )


def _expiry(raw: str, options: DoctorOptions) -> Finding:
    if not raw.strip():
        return Finding(
            "token expiry",
            "warning",
            "MPAC_TOKEN_EXPIRES is not set: record the token's expiry date (YYYY-MM-DD) when you "
            "make it, so doctor can warn before it expires",
        )
    try:
        expires = dt.date.fromisoformat(raw.strip())
    except ValueError:
        return Finding(
            "token expiry", "failed", f"MPAC_TOKEN_EXPIRES is not a date (YYYY-MM-DD): {raw!r}"
        )
    left = (expires - options.today()).days
    if left < 0:
        return Finding(
            "token expiry",
            "failed",
            f"the token expired on {expires} ({-left} days ago): make a new one at {TOKENS_PAGE}",
        )
    if left <= EXPIRY_WARNING_DAYS:
        return Finding(
            "token expiry",
            "warning",
            f"the token expires on {expires}, in {left} days: make a new one at {TOKENS_PAGE}",
        )
    return Finding("token expiry", "ok", f"the token expires on {expires}, in {left} days")


def _emit(session: Session, finding: Finding) -> None:
    if finding.status == "failed":
        session.emit(ev.Problem(error(finding.message)))
    elif finding.status == "warning":
        session.emit(ev.Problem(warning(finding.message)))
    else:
        session.emit(ev.Info(f"{finding.check}: {finding.message}"))


def _report(account: str, findings: list[Finding], session: Session) -> CommandReport:
    failed = [f for f in findings if f.status == "failed"]
    warned = [f for f in findings if f.status == "warning"]
    result = "failed" if failed else "warning" if warned else "ok"
    body: dict[str, Any] = {"account": account, "checks": [vars(f).copy() for f in findings]}
    return CommandReport(
        "doctor",
        result,
        int(ExitCode.AUTH if failed else ExitCode.OK),
        body=body,
        headline=f"the credentials of {account} are good for publishing"
        + (f" ({len(warned)} warning{'s' if len(warned) > 1 else ''})" if warned else ""),
        markdown=md_table(
            ["check", "status", "message"], [[f.check, f.status, f.message] for f in findings]
        ),
        attention=bool(warned),
        diagnostics=tuple(error(f.message) for f in failed),  # shown already, as they came
        requests=session.client.requests_made,
        error="; ".join(f.message for f in failed) or None,
        advice=f"fix the failed checks above; tokens: {TOKENS_PAGE}" if failed else None,
    )
