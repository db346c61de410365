"""`mpac-publisher publish` (and `plan` = `publish --dry-run`): load, plan, execute, report."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from publisher import events as ev
from publisher.commands.seams import Seams
from publisher.commands.validate import ConfigOptions, load
from publisher.concurrency import serialized
from publisher.config.model import Release
from publisher.diagnostics import Diagnostic, warning
from publisher.errors import ExitCode, PartialPublishError, PublisherError
from publisher.exits import StoppedError
from publisher.marketplace.answers import Json
from publisher.marketplace.client import Marketplace
from publisher.marketplace.connection import Connection
from publisher.marketplace.errors import ApiError
from publisher.marketplace.retry import RetryPolicy
from publisher.outcome import RunReport
from publisher.publish.artifactguard import refuse_artifact_swap
from publisher.publish.context import Execution
from publisher.publish.describe import describe_plan
from publisher.publish.execute import Executor
from publisher.publish.live_receipt import live_receipt
from publisher.publish.model import Plan, PlanChoices
from publisher.publish.payloads import located_api_errors
from publisher.publish.plan import Planner
from publisher.publish.receipt import check_writable, write_receipt
from publisher.publish.result import RunFacts, outcome, run_report
from publisher.publish.stage import staged_release
from publisher.state.directory import check_state_dir, state_dir
from publisher.state.journal import Journal
from publisher.state.keys import account_key
from publisher.state.ledger import UploadLedger
from publisher.state.lock import LockWait


@dataclass(frozen=True)
class PublishOptions:
    config: ConfigOptions
    connection: Connection
    dry_run: bool = False
    seams: Seams = field(default_factory=Seams)
    choices: PlanChoices = field(default_factory=PlanChoices)
    replace_artifact: bool = False  # swap the artifact of an existing version (issue 15 #1)
    receipt: Path | None = None  # write a release receipt here once published (issue 23)
    stage: bool = False  # a new listing is created PRIVATE whatever release.yml says


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
    if options.stage:
        release = staged_release(release)
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
        self.env = env
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
        lock_wait = LockWait(  # a lock another run holds is waited for until the run's deadline
            seams.clock() + seams.deadlines.run, seams.clock, seams.sleep, self._info
        )
        self.ledger = UploadLedger(
            self.state_dir / "uploads.json",
            account_key(connection.api_url, user),
            limits=seams.limits,
            clock=seams.clock,
            warn=self._warn,
            lock_wait=lock_wait,
        )
        self.journal = Journal(
            self.state_dir,
            connection.api_url,
            release.app,
            release.build,
            warn=self._warn,
            lock_wait=lock_wait,
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
                self.client.warm_up()  # the connections its widest round needs (prewarm.py)
            self.emit(ev.StageStarted("plan"))
            self.plan = self._plan()
            for event in describe_plan(self.plan, self.ledger, dry_run=self.options.dry_run):
                self.emit(event)
            if not self.options.replace_artifact:
                self._refuse_artifact_swap(self.plan)
            self.emit(ev.StageFinished("plan"))
            if self.options.dry_run:
                return self._planned()
            if self.options.receipt is not None:
                check_writable(self.options.receipt)  # before anything is sent
            if not self.plan.writes_needed:
                return self._succeeded("unchanged")
            assert self.client is not None
            check_state_dir(self.state_dir, self._warn)  # before the first write to Marketplace
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
            return self._succeeded(outcome(self.execution))
        except PublisherError as exc:
            if self.executor is not None:
                self.execution = self.executor.result  # what was done before the failure
            return self._failed(exc)
        except KeyboardInterrupt as interrupt:  # SIGINT or SIGTERM: report what was done
            if self.executor is not None:
                self.execution = self.executor.result
            cut = self.client.in_flight.cut_requests if self.client else []
            stopped = StoppedError(interrupt, cut)
            return self._report("interrupted", stopped.exit_code, stopped)

    def _plan(self) -> Plan:
        planner = Planner(
            self.release, self.client, self.policy, self.journal, self.options.choices
        )
        return planner.plan()  # under --stage, choices.listing_state is "keep" (commands/run.py)

    def _planned(self) -> int:
        if self.options.receipt is not None:
            self.emit(ev.Info(f"dry run: no receipt written to {self.options.receipt}"))
        return self._report("planned", ExitCode.OK)

    def _succeeded(self, result: str) -> int:
        """The receipt (when asked for), read back from Marketplace, then the report."""
        path = self.options.receipt
        if path is not None and self.client is not None and self.plan is not None:
            ids = {h.hosting: h.app_software_id for h in self.plan.hostings}
            now = self.options.seams.clock()
            found = live_receipt(self.release, ids, self.client, self.policy, self.env, now)
            write_receipt(path, found, self._secrets())
            self.emit(ev.Info(f"receipt written to {path} (sha512 {found['artifact']['sha512']})"))
        return self._report(result, ExitCode.OK)

    def _secrets(self) -> list[str]:
        credentials = self.options.connection.credentials
        return credentials.secrets if credentials else []

    def _warn(self, message: str) -> None:
        self.emit(ev.Problem(warning(message)))

    def _info(self, message: str) -> None:
        self.emit(ev.Info(message))

    def _refuse_artifact_swap(self, plan: Plan) -> None:
        """Stop (exit 10) before any upload when a live version has another artifact."""
        client = self.client
        if client is None:
            return
        lives = {h.hosting: h.version.live for h in plan.hostings}
        ours = f"{plan.artifact.source} is {plan.artifact.sha512 or 'to be fetched'}"

        def lookup(artifact_id: str) -> Json | None:
            return self.policy.read("read artifact", lambda: client.get_artifact(artifact_id))

        artifact = plan.artifact
        refuse_artifact_swap(
            self.release, lives, artifact.reuse_id, ours, lookup, artifact.differences
        )

    def _failed(self, exc: PublisherError) -> int:
        diagnostics = list(exc.diagnostics)
        if isinstance(exc, ApiError) or isinstance(exc.__cause__, ApiError):
            api = exc if isinstance(exc, ApiError) else exc.__cause__
            assert isinstance(api, ApiError)
            diagnostics += located_api_errors(api, self.release)
        for d in diagnostics:
            self.emit(ev.Problem(d))
        result = "partial" if isinstance(exc, PartialPublishError) else "failed"
        return self._report(result, exc.exit_code, exc, tuple(diagnostics))

    def _report(
        self,
        result: str,
        code: ExitCode,
        exc: PublisherError | None = None,
        diagnostics: tuple[Diagnostic, ...] = (),
    ) -> int:
        client = self.client
        facts = RunFacts(
            self.command,
            self.file,
            self.options.dry_run,
            self.options.seams.clock() - self.started,
            client.requests_made if client else 0,
            client.version_url if client else None,
        )
        report = run_report(
            facts, self.release, self.plan, self.execution, result, int(code), exc, diagnostics
        )
        return _finish(self.emit, report)


def _finish(emit: ev.Emit, report: RunReport) -> int:
    emit(ev.Finished(report))
    return report.exit_code
