"""`mpac-publisher publish` (and `plan` = `publish --dry-run`): load, plan, execute, report."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from publisher import events as ev
from publisher.commands.validate import ConfigOptions, load
from publisher.concurrency import LIMIT, serialized
from publisher.config.model import Release
from publisher.diagnostics import Diagnostic, error, warning
from publisher.errors import ExitCode, PartialPublishError, PublisherError
from publisher.exits import StoppedError
from publisher.marketplace.answers import Json
from publisher.marketplace.client import Marketplace
from publisher.marketplace.connection import Connection
from publisher.marketplace.errors import ApiError
from publisher.marketplace.retry import RetryPolicy
from publisher.marketplace.session import Timeouts
from publisher.marketplace.transfer import Deadlines
from publisher.outcome import DocumentChange, HostingResult, RunReport, Upload
from publisher.publish.artifactguard import refuse_artifact_swap
from publisher.publish.context import Execution
from publisher.publish.execute import Executor
from publisher.publish.model import DocumentPlan, Plan, PlanChoices
from publisher.publish.notes import notes_html
from publisher.publish.payloads import release_key
from publisher.publish.plan import Planner
from publisher.report.render import human_size
from publisher.state.directory import check_state_dir, state_dir
from publisher.state.journal import Journal
from publisher.state.keys import account_key
from publisher.state.ledger import Limits, UploadLedger, budget_problem
from publisher.words import image_swaps, plural


@dataclass(frozen=True)
class Seams:
    """Everything with a side effect on time, handed in so tests can drive it."""

    clock: Callable[[], float] = time.time
    sleep: Callable[[float], None] = time.sleep
    limits: Limits = field(default_factory=Limits)
    timeouts: Timeouts = field(default_factory=Timeouts)
    retry_initial: float = 1.0
    retry_attempts: int = 5
    deadlines: Deadlines = field(default_factory=Deadlines)


@dataclass(frozen=True)
class PublishOptions:
    config: ConfigOptions
    connection: Connection
    dry_run: bool = False
    seams: Seams = field(default_factory=Seams)
    choices: PlanChoices = field(default_factory=PlanChoices)
    replace_artifact: bool = False  # swap the artifact of an existing version (issue 15 #1)


def publish(options: PublishOptions, env: Mapping[str, str], emit: ev.Emit) -> int:
    command = "plan" if options.dry_run else "publish"
    emit(ev.StageStarted("load"))
    loaded = load(options.config, env, emit)
    emit(ev.StageFinished("load"))
    release = loaded.release
    if release is None or not loaded.ok:
        return _finish(
            emit,
            RunReport(
                command,
                loaded.file,
                "invalid",
                int(ExitCode.INVALID_CONFIG),
                diagnostics=tuple(loaded.diagnostics),
                error=loaded.verdict,
                dry_run=options.dry_run,
            ),
        )
    run = _Run(options, release, loaded.file, env, emit, command)
    return run.go()


class _Run:
    def __init__(
        self,
        options: PublishOptions,
        release: Release,
        file: str,
        env: Mapping[str, str],
        emit: ev.Emit,
        command: str,
    ) -> None:
        self.options = options
        self.release = release
        self.file = file
        self.emit = emit = serialized(emit)  # requests run side by side: one event at a time
        self.command = command
        seams = options.seams
        connection = options.connection
        self.policy = RetryPolicy(
            attempts=seams.retry_attempts, initial=seams.retry_initial, sleep=seams.sleep, emit=emit
        )
        self.client = (
            Marketplace(connection, timeouts=seams.timeouts, deadlines=seams.deadlines)
            if connection.credentials
            else None
        )
        self.state_dir = state_dir(env)
        user = connection.credentials.user if connection.credentials else ""
        self.ledger = UploadLedger(
            self.state_dir / "uploads.json",
            account_key(connection.api_url, user),
            limits=seams.limits,
            clock=seams.clock,
            warn=self._warn,
        )
        self.journal = Journal(
            self.state_dir, connection.api_url, release.app, release.build, warn=self._warn
        )
        self.started = seams.clock()
        self.plan: Plan | None = None
        self.execution: Execution | None = None
        self.executor: Executor | None = None

    def go(self) -> int:
        try:
            return self._go()
        finally:
            if self.client is not None:
                self.client.close()

    def _go(self) -> int:
        try:
            if self.client is not None:
                self.client.warm_up(LIMIT + 1)  # the images side by side, the artifact beside them
            self.emit(ev.StageStarted("plan"))
            self.plan = Planner(
                self.release, self.client, self.policy, self.journal, self.options.choices
            ).plan()
            self._show_plan(self.plan)
            if not self.options.replace_artifact:
                self._refuse_artifact_swap(self.plan)
            self.emit(ev.StageFinished("plan"))
            if self.options.dry_run:
                return self._report("planned", ExitCode.OK)
            if not self.plan.writes_needed:
                return self._report("unchanged", ExitCode.OK)
            assert self.client is not None
            check_state_dir(self.state_dir)  # before the first write to Marketplace
            self.emit(ev.StageStarted("publish"))
            executor = self.executor = Executor(
                self.plan,
                self.client,
                self.policy,
                self.ledger,
                self.journal,
                self.emit,
                clock=self.options.seams.clock,
                sleep=self.options.seams.sleep,
                replace_artifact=self.options.replace_artifact,
            )
            self.execution = executor.run()
            self.emit(ev.StageFinished("publish"))
            return self._report(self._result(self.execution), ExitCode.OK)
        except PublisherError as exc:
            if self.executor is not None:
                self.execution = self.executor.result  # what was done before the failure
            return self._failed(exc)
        except KeyboardInterrupt as interrupt:  # SIGINT or SIGTERM: report what was done
            if self.executor is not None:
                self.execution = self.executor.result
            stopped = StoppedError(interrupt)
            return self._report("interrupted", stopped.exit_code, stopped)

    def _warn(self, message: str) -> None:
        self.emit(ev.Problem(warning(message)))

    def _refuse_artifact_swap(self, plan: Plan) -> None:
        """Stop (exit 10) before any upload when a live version has another artifact."""
        client = self.client
        if client is None:
            return
        lives = {h.hosting: h.version.live for h in plan.hostings}
        ours = f"{plan.artifact.source} is {plan.artifact.sha512 or 'to be fetched'}"

        def lookup(artifact_id: str) -> Json | None:
            return self.policy.read("read artifact", lambda: client.get_artifact(artifact_id))

        refuse_artifact_swap(self.release, lives, plan.artifact.reuse_id, ours, lookup)

    # -- the plan, for people ------------------------------------------------------------------

    def _show_plan(self, plan: Plan) -> None:
        for note in plan.notes:
            self.emit(ev.Info(note))
        artifact = plan.artifact
        verb = {"upload": "upload", "fetch": "have Marketplace fetch", "reuse": "reuse"}[
            artifact.action
        ]
        size = f" ({human_size(artifact.size)})" if artifact.size is not None else ""
        why = f": {artifact.reason}" if artifact.reason else ""
        self.emit(ev.Info(f"artifact: {verb} {artifact.source}{size}{why}"))
        if plan.images:
            self.emit(ev.Info(_images_line(plan)))
        self._show_notes()
        for hosting in plan.hostings:
            self._show_document(
                f"{hosting.hosting} version {self.release.version} (build {self.release.build})",
                hosting.version,
            )
            if hosting.listing.action != "skip":
                self._show_document(f"{hosting.hosting} listing", hosting.listing)
        problem = budget_problem(self.ledger, plan.artifact.source, plan.artifact.upload_size)
        if problem:
            self.emit(ev.Problem(warning(problem)))
        elif plan.artifact.action == "upload":
            wait = self.ledger.wait_needed()
            if wait > 0:
                self.emit(ev.Info(f"upload spacing: the artifact upload will wait {wait:.1f} s"))

    def _show_notes(self) -> None:
        """The release notes as Marketplace will get them (rendered and sanitised HTML)."""
        changelog = self.release.changelog
        if changelog.notes is None or not self.options.dry_run:  # a publish shows the patch
            return
        how = "rendered from Markdown" if changelog.notes_format == "markdown" else "as written"
        self.emit(ev.Info(f"release notes ({how}, sanitised HTML):"))
        for line in notes_html(changelog.notes, changelog.notes_format).splitlines():
            self.emit(ev.Info(f"  | {line}"))

    def _show_document(self, title: str, doc: DocumentPlan) -> None:
        if doc.action == "create":
            self.emit(ev.Info(f"{title}: create"))
            if self.options.dry_run:  # the request body is the point of a dry run
                self._show_json(doc.desired)
        elif doc.action == "update":
            count = plural(len(doc.patch), "operation")
            swaps = image_swaps(doc.patch)
            self.emit(
                ev.Info(f"{title}: update, {count} (JSON Patch, live -> release.yml{swaps}):")
            )
            self._show_json(list(doc.patch))
        else:
            self.emit(ev.Info(f"{title}: unchanged"))

    def _show_json(self, value: object) -> None:
        for line in json.dumps(value, indent=2, ensure_ascii=False).splitlines():
            self.emit(ev.Info("  " + line))

    # -- the result ------------------------------------------------------------------------------

    def _result(self, execution: Execution) -> str:
        actions = [c.action for pair in execution.changes.values() for c in pair if c]
        if "create" in actions:
            return "created"
        if "update" in actions:
            return "updated"
        return "unchanged"

    def _failed(self, exc: PublisherError) -> int:
        diagnostics = list(exc.diagnostics)
        if isinstance(exc, ApiError) or isinstance(exc.__cause__, ApiError):
            api = exc if isinstance(exc, ApiError) else exc.__cause__
            assert isinstance(api, ApiError)
            diagnostics += self._locate(api)
        for d in diagnostics:
            self.emit(ev.Problem(d))
        result = "partial" if isinstance(exc, PartialPublishError) else "failed"
        return self._report(result, exc.exit_code, exc, tuple(diagnostics))

    def _locate(self, exc: ApiError) -> list[Diagnostic]:
        found = []
        for entry in exc.entries:
            key = release_key(entry.field, self.release) if entry.field else None
            if key is None:
                continue
            dotted = ".".join(str(k) for k in key)
            message = f"Marketplace rejected {entry.field} (from `{dotted}`): {entry.detail}"
            found.append(error(message, self.release.locate(key), dotted))
        return found

    def _report(
        self,
        result: str,
        code: ExitCode,
        exc: PublisherError | None = None,
        diagnostics: tuple[Diagnostic, ...] = (),
    ) -> int:
        report = RunReport(
            command=self.command,
            config=self.file,
            result=result,
            exit_code=int(code),
            app=self.release.app,
            version=self.release.version,
            build=self.release.build,
            dry_run=self.options.dry_run,
            hostings=self._hostings(),
            uploads=self._uploads(),
            artifact_id=self.execution.artifact_id
            if self.execution
            else (self.plan.artifact.reuse_id if self.plan else None),
            waited_seconds=self.execution.waited if self.execution else 0.0,
            elapsed_seconds=max(0.0, self.options.seams.clock() - self.started),
            requests=self.client.requests_made if self.client else 0,
            diagnostics=diagnostics,
            error=exc.message if exc else None,
            advice=exc.advice if exc else None,
            notes=self.plan.notes if self.plan else (),
        )
        return _finish(self.emit, report)

    def _hostings(self) -> tuple[HostingResult, ...]:
        if self.plan is None:
            return tuple(HostingResult(h) for h in self.release.hostings)
        results = []
        done = self.execution.changes if self.execution else {}
        for h in self.plan.hostings:
            version, listing = done.get(h.hosting, (None, None))
            url = None
            exists = h.version.action != "create" or (version is not None and version.done)
            if self.client and exists and not h.app_software_id.startswith("<"):
                root = self.options.connection.api_url
                url = (
                    f"{root}/rest/3/app-software/{h.app_software_id}/versions/{self.release.build}"
                )
            results.append(
                HostingResult(
                    h.hosting,
                    h.app_software_id,
                    version or _change(h.version),
                    listing or _change(h.listing),
                    url,
                )
            )
        return tuple(results)

    def _uploads(self) -> tuple[Upload, ...]:
        if self.execution:
            return tuple(self.execution.uploads)
        if self.plan is None or not self.options.dry_run:  # nothing was sent
            return ()
        a = self.plan.artifact
        planned = [
            Upload("artifact", a.source, a.size, a.sha512, a.reuse_id, reused=a.action == "reuse")
        ]
        planned += [
            Upload(
                "image",
                i.source or str(i.path),
                i.size,
                i.sha512,
                i.reuse_id,
                i.image_type,
                reused=i.reuse_id is not None or i.kept,
            )
            for i in self.plan.images
        ]
        return tuple(planned)


def _images_line(plan: Plan) -> str:
    fresh = sum(1 for i in plan.images if i.reuse_id is None and not i.kept)
    kept = sum(1 for i in plan.images if i.kept)
    parts = [f"{fresh} to upload"]
    if kept:
        parts.append(f"{kept} kept live")
    parts.append(f"{len(plan.images) - fresh - kept} already uploaded")
    return f"images: {plural(len(plan.images), 'distinct file')}: {', '.join(parts)}"


def _change(doc: DocumentPlan) -> DocumentChange:
    return DocumentChange(doc.action, doc.patch, doc.desired if doc.action == "create" else None)


def _finish(emit: ev.Emit, report: RunReport) -> int:
    emit(ev.Finished(report))
    return report.exit_code
