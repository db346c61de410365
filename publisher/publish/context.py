"""What the steps of a publish share: one frozen context (the plan, the seams, the journal and
ledger), the events of the steps (which are open, and lines a helper thread holds back so they
are shown in an order a person can follow), and the result so far.

The executor (execute.py) builds one `StepContext` and hands it to its two collaborators, the
upload steps (upload_steps.py) and the document steps (document_steps.py).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from publisher import events as ev
from publisher.config.model import Release
from publisher.marketplace.client import Marketplace
from publisher.marketplace.retry import RetryPolicy
from publisher.outcome import DocumentChange, Upload
from publisher.publish.model import ArtifactPlan, Plan
from publisher.state.journal import Journal
from publisher.state.ledger import UploadLedger


@dataclass
class Execution:
    """What a publish did so far: kept when it fails part-way, for the report and the re-run."""

    uploads: list[Upload] = field(default_factory=list)
    changes: dict[str, tuple[DocumentChange | None, DocumentChange | None]] = field(
        default_factory=dict
    )
    artifact_id: str | None = None  # this run's artifact: uploaded, fetched or reused
    artifact_sha512: str | None = None  # the plan's, or what the upload measured
    # How the run came by it: the plan's decision, or a reuse found when re-checked before sending
    artifact_plan: ArtifactPlan | None = None
    # hosting -> the artifact its version names: ours, or another run's that was kept
    version_artifacts: dict[str, str] = field(default_factory=dict)
    waited: float = 0.0
    written: list[str] = field(default_factory=list)  # user-visible writes (versions, listings)
    notes: list[str] = field(default_factory=list)  # what a person should know of how it went


class StepEvents:
    """The run's events: steps started and not finished, and lines held back per thread."""

    def __init__(self, sink: ev.Emit) -> None:
        self._sink = sink
        self._held = threading.local()  # a helper thread's events, held to be shown in order
        self._open: dict[str, str] = {}  # key -> title

    def emit(self, event: ev.Event) -> None:
        held = getattr(self._held, "events", None)
        if held is not None:
            held.append(event)
        else:
            self._sink(event)

    def holding(self, held: list[ev.Event], call: Callable[[], None]) -> None:
        """Run `call` with the events it emits (on this thread) held in `held`."""
        self._held.events = held
        try:
            call()
        finally:
            self._held.events = None

    def start(self, key: str, title: str) -> None:
        self._open[key] = title
        self.emit(ev.StepStarted(key, title))

    def finish(self, key: str, title: str, detail: str, outcome: ev.StepOutcome = "done") -> None:
        self._open.pop(key, None)
        self.emit(ev.StepFinished(key, title, outcome, detail))

    def fail_open(self) -> None:
        """Mark every step still open as failed (the run is ending on an error)."""
        for key, title in list(self._open.items()):
            self.emit(ev.StepFinished(key, title, "failed"))


@dataclass(frozen=True)
class StepContext:
    plan: Plan
    client: Marketplace
    policy: RetryPolicy
    ledger: UploadLedger
    journal: Journal
    events: StepEvents
    result: Execution
    clock: Callable[[], float] = time.time
    sleep: Callable[[float], None] = time.sleep
    replace_artifact: bool = False

    @property
    def release(self) -> Release:
        return self.plan.release
