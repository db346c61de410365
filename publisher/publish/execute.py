"""Executing a plan, step by step: the images beside the artifact (upload_steps.py), then
per hosting, side by side, the version and its listing (document_steps.py). Every step
emits events; nothing here prints."""

from __future__ import annotations

import contextlib
from functools import partial

from publisher import events as ev
from publisher.concurrency import side_by_side, started
from publisher.config.yamldoc import Path as KeyPath
from publisher.errors import PartialPublishError, PublisherError, RateLimitError
from publisher.publish.document_steps import DocumentSteps
from publisher.publish.model import HostingPlan
from publisher.publish.stepbase import Execution
from publisher.publish.upload_steps import UploadSteps, budget_problem

__all__ = ["Execution", "Executor", "budget_problem"]


class Executor(UploadSteps, DocumentSteps):
    def run(self) -> Execution:
        try:
            return self._run()
        except PublisherError:
            for key, title in list(self._open.items()):  # the steps that failed are marked so
                self.emit(ev.StepFinished(key, title, "failed"))
            raise

    def _run(self) -> Execution:
        problem = budget_problem(self.plan, self.ledger)
        if problem:
            raise RateLimitError(problem, advice="re-run after that time; nothing was uploaded")
        if self.plan.artifact.action != "reuse":
            wait = self.ledger.wait_needed()
            if wait > 0 and self.plan.images:
                self.emit(
                    ev.Info(f"next artifact upload allowed in {wait:.1f} s: uploading images first")
                )
        # The images go up beside the artifact (they need nothing of each other); both are
        # waited for before any version is written.
        images = started(self._images)
        try:
            artifact_id = self._artifact()
        except BaseException:
            with contextlib.suppress(Exception):  # waited for; the artifact's failure is the news
                images()
            raise
        image_ids = images()
        self.result.artifact_id = artifact_id
        # The hostings are independent app software: their versions and listings side by side.
        outcomes = side_by_side(
            [partial(self._settled, h, artifact_id, image_ids) for h in self.plan.hostings]
        )
        for exc in outcomes:
            if exc is None:
                continue
            done = self._written + [f"{w}: may have happened" for w in self.policy.unsettled]
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
            self._hosting(hosting, artifact_id, image_ids)
        except PublisherError as exc:
            return exc
        return None
