"""What every step of a publish shares: the run's seams and state, and its events.

An execution (execute.Executor) is built from the upload steps (upload_steps.py)
and the document steps (document_steps.py); both stand on this base: the plan, the client,
the retry policy, the ledger and journal, the clock, the result so far, and the events (steps
open, and lines a helper thread holds back so they are shown in an order a person can follow).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from publisher import events as ev
from publisher.marketplace.answers import Json
from publisher.marketplace.client import Marketplace
from publisher.marketplace.retry import RetryPolicy
from publisher.outcome import DocumentChange, Upload
from publisher.publish.model import ImagePlan, Plan
from publisher.state.journal import Journal
from publisher.state.ledger import UploadLedger


@dataclass
class Execution:
    uploads: list[Upload] = field(default_factory=list)
    changes: dict[str, tuple[DocumentChange | None, DocumentChange | None]] = field(
        default_factory=dict
    )
    artifact_id: str | None = None
    waited: float = 0.0


class StepBase:
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
        self.plan = plan
        self.replace_artifact = replace_artifact
        self._artifact_sha512: str | None = plan.artifact.sha512  # set by the upload, if any
        self._artifacts_read: dict[str, Json | None] = {}
        self.release = plan.release
        self.client = client
        self.policy = policy
        self.ledger = ledger
        self.journal = journal
        self._sink = emit
        self._held = threading.local()  # a helper thread's events, held to be shown in order
        self.clock = clock
        self.sleep = sleep
        self.result = Execution()
        self._written: list[str] = []  # user-visible writes done (versions, listings)
        self._open: dict[str, str] = {}  # steps started and not finished yet (key -> title)

    def _upload_image(self, image: ImagePlan) -> tuple[str, Upload]:
        raise NotImplementedError  # publisher.publish.upload_steps.UploadSteps

    # -- events ----------------------------------------------------------------------------------

    def emit(self, event: ev.Event) -> None:
        held = getattr(self._held, "events", None)
        if held is not None:
            held.append(event)
        else:
            self._sink(event)

    def _holding(self, held: list[ev.Event], call: Callable[[], None]) -> None:
        """Run `call` with the events it emits (on this thread) held in `held`."""
        self._held.events = held
        try:
            call()
        finally:
            self._held.events = None

    def _start(self, key: str, title: str) -> None:
        self._open[key] = title
        self.emit(ev.StepStarted(key, title))

    def _finish(self, key: str, title: str, detail: str, outcome: ev.StepOutcome = "done") -> None:
        self._open.pop(key, None)
        self.emit(ev.StepFinished(key, title, outcome, detail))
