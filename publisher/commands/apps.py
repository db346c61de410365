"""`mpac-publisher apps`: the apps of the account's developer space, with key, name and state;
`--hosting` and `--text` filter client-side (v3 has no search, unlike v2's /rest/2/addons)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

from publisher import events as ev
from publisher.commands.developer import developer_id
from publisher.commands.feed import Feed
from publisher.commands.session import Session, api_hint
from publisher.errors import ExitCode
from publisher.marketplace.answers import Json
from publisher.marketplace.errors import ApiError, ApiRejectedError
from publisher.marketplace.session import POOL_SIZE
from publisher.outcome import CommandReport
from publisher.report.document import md_table
from publisher.words import plural

# App software lookups in flight at once: a 500-app account is 500 of them, so six at a time
# (a publish's width) would take 84 round trips; this many keeps them within the client's
# connection pool (kept open, so none pays a second handshake), beside the listing's next page.
WIDE = POOL_SIZE - 2


@dataclass(frozen=True)
class AppsOptions:
    hosting: str | None = None
    text: str | None = None


@dataclass(frozen=True)
class App:
    key: str
    name: str
    state: str
    approval_status: str
    product_id: str
    hostings: tuple[str, ...] | None = None  # read only with --hosting (one request per app)


def apps(options: AppsOptions, session: Session) -> CommandReport:
    client, policy, emit = session.client, session.policy, session.emit
    developer = developer_id(session.env, client, policy)
    emit(ev.StageStarted("read"))
    found = _listed(developer, options, session)
    emit(ev.StageFinished("read"))
    for a in found:
        emit(ev.Info(f"{a.key:<40} {a.state:<8} {a.name}"))
    rows = [[f"`{a.key}`", a.name, a.state, a.approval_status] for a in found]
    filters = {"hosting": options.hosting, "text": options.text}
    shown = ", ".join(f"{k} {v!r}" for k, v in filters.items() if v)
    headline = f"{plural(len(found), 'app')} in developer space {developer}" + (
        f" ({shown})" if shown else ""
    )
    return CommandReport(
        "apps",
        "listed",
        int(ExitCode.OK),
        body={
            "developer_id": developer,
            "filters": filters,
            "apps": [_json(a) for a in found],
        },
        headline=headline,
        markdown=md_table(["key", "name", "state", "approval"], rows) if rows else "",
        outputs_={"count": str(len(found)), "keys": " ".join(a.key for a in found)},
        requests=client.requests_made,
    )


def _listed(developer: str, options: AppsOptions, session: Session) -> list[App]:
    """The apps matching the filters; with --hosting, each app's app software is read as soon as
    its page is in, beside the next pages (`Feed`), `WIDE` at a time."""
    client, policy = session.client, session.policy
    feed: Feed[App] | None = Feed(WIDE) if options.hosting else None
    looked_up: dict[str, int] = {}  # app key -> its place in the feed (a retried listing
    # shows the same apps again: each is looked up once)

    def seen(item: Json) -> App:
        app = _app(item)
        if feed is not None and _matches(app, options.text) and app.key not in looked_up:
            looked_up[app.key] = len(looked_up)
            feed.add(partial(_with_hostings, app, session))
        return app

    try:
        listed = policy.read(
            "list apps", lambda: [seen(i) for i in client.developer_apps(developer)]
        )
    except BaseException as exc:
        if feed is not None:
            feed.abandon(exc)
        if isinstance(exc, ApiError):
            raise _hinted(exc) from exc
        raise
    found = [a for a in listed if _matches(a, options.text)]
    if feed is None:
        return found
    hosted = feed.results()
    with_hostings = (hosted[looked_up[a.key]] for a in found)
    return [a for a in with_hostings if a.hostings and options.hosting in a.hostings]


def _hinted(exc: ApiError) -> ApiError:
    """400/403/404 here usually mean a vendor id posing as developer id."""
    hint = api_hint(exc, "listing apps") or exc.advice
    return type(exc)(exc.request, exc.status, exc.entries, retry_after=exc.retry_after, advice=hint)


def _app(item: Json) -> App:
    return App(
        str(item.get("appKey", "")),
        str(item.get("appName", "")),
        str(item.get("state", "")),
        str(item.get("approvalStatus", "")),
        str(item.get("productId", "")),
    )


def _matches(app: App, text: str | None) -> bool:
    return not text or text.lower() in f"{app.key} {app.name}".lower()


def _with_hostings(app: App, session: Session) -> App:
    client = session.client
    try:
        entries = session.policy.read("find app", lambda: client.app_software(app.key, None))
    except ApiRejectedError:
        entries = []
    hostings = tuple(
        str(e["hosting"]) for e in entries if e.get("hosting") and not e.get("archived")
    )
    return App(app.key, app.name, app.state, app.approval_status, app.product_id, hostings)


def _json(app: App) -> dict[str, Any]:
    document: dict[str, Any] = {
        "key": app.key,
        "name": app.name,
        "state": app.state,
        "approval_status": app.approval_status,
        "product_id": app.product_id,
    }
    if app.hostings is not None:
        document["hostings"] = list(app.hostings)
    return document
