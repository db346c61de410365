"""Executing a plan, step by step, in one place: the images beside the artifact (upload_steps.py),
then per hosting, side by side, the version and its listing (document_steps.py). Every step
emits events; nothing here prints."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial

from publisher import events as ev
from publisher.concurrency import beside, side_by_side
from publisher.config.yamldoc import Path as KeyPath
from publisher.errors import PartialPublishError, PublisherError, RateLimitError
from publisher.marketplace.client import Marketplace
from publisher.marketplace.retry import RetryPolicy
from publisher.publish.context import Execution, StepContext, StepEvents
from publisher.publish.document_steps import DocumentSteps
from publisher.publish.model import HostingPlan, Plan
from publisher.publish.upload_steps import UploadSteps
from publisher.state.journal import Journal
from publisher.state.ledger import UploadLedger, budget_problem


class Executor:
    def __init__(
        self,
        plan: Plan,
        client: Marketplace,
        policy: RetryPolicy,
        ledger: UploadLedger,
        journal: Journal,
        emit: ev.Emit,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        replace_artifact: bool = False,
    ) -> None:
        self.result = Execution(artifact_sha512=plan.artifact.sha512)
        self.events = StepEvents(emit)
        self.ctx = StepContext(
            plan=plan,
            client=client,
            policy=policy,
            ledger=ledger,
            journal=journal,
            events=self.events,
            result=self.result,
            clock=clock,
            sleep=sleep,
            replace_artifact=replace_artifact,
        )
        self.uploads = UploadSteps(self.ctx)
        self.documents = DocumentSteps(self.ctx, images=self.uploads)

    def run(self) -> Execution:
        try:
            return self._run()
        except (PublisherError, KeyboardInterrupt):  # a signal too: its steps did not finish
            self.events.fail_open()  # the steps that failed are marked so
            raise

    def _run(self) -> Execution:
        plan, ledger = self.ctx.plan, self.ctx.ledger
        problem = budget_problem(ledger, plan.artifact.source, plan.artifact.upload_size)
        if problem:
            raise RateLimitError(problem, advice="re-run after that time; nothing was uploaded")
        if plan.artifact.action != "reuse":
            wait = ledger.wait_needed()
            if wait > 0 and plan.images:
                self.events.emit(
                    ev.Info(f"next artifact upload allowed in {wait:.1f} s: uploading images first")
                )
        # The images go up beside the artifact (they need nothing of each other); both are
        # waited for before any version is written.
        with beside(self.uploads.images) as images:
            artifact_id = self.uploads.artifact()
        image_ids = images()
        self.result.artifact_id = artifact_id
        # The hostings are independent app software: their versions and listings side by side.
        outcomes = side_by_side(
            [partial(self._settled, h, artifact_id, image_ids) for h in plan.hostings]
        )
        for exc in outcomes:
            if exc is None:
                continue
            unsettled = [f"{w}: may have happened" for w in self.ctx.policy.unsettled]
            done = self.result.written + unsettled
            if not done:
                raise exc
            raise PartialPublishError(
                f"{'; '.join(done)}; then {exc.message}",
                advice="re-run the same command to finish: completed steps are not repeated",
                diagnostics=exc.diagnostics,
            ) from exc
        return self.result

    def _settled(
        self, hosting: HostingPlan, artifact_id: str, image_ids: dict[KeyPath, str]
    ) -> PublisherError | None:
        """One hosting's version and listing; its failure is returned, to be raised in order."""
        try:
            self.documents.hosting(hosting, artifact_id, image_ids)
        except PublisherError as exc:
            return exc
        return None
