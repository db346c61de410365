"""Two publishes in a row from one machine: >= 10 s between artifact uploads, and no more than
0.5 s beyond what the rule requires (a fake clock: the test takes milliseconds)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from publisher import events as ev
from publisher.commands.seams import Seams
from publisher.config import load_release
from publisher.marketplace.retry import RetryPolicy
from publisher.publish.execute import Executor
from publisher.publish.plan import Planner
from publisher.state.journal import Journal
from publisher.state.ledger import Limits, UploadLedger
from tests.support.clock import FakeClock

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


class UploadOnlyMarketplace:
    """Answers artifact uploads like Marketplace, taking `duration` seconds of fake time."""

    def __init__(self, clock: FakeClock, duration: float) -> None:
        self.clock = clock
        self.duration = duration
        self.uploads: list[tuple[float, float]] = []

    def upload(
        self, path: str, filename: str, stream: Any, content_type: str, on_progress: Any
    ) -> dict[str, Any]:
        started = self.clock()
        digest = hashlib.sha512()
        while chunk := stream.read(65536):
            digest.update(chunk)
        self.clock.sleep(self.duration)
        self.uploads.append((started, self.clock()))
        return {
            "fileInfo": {"checksum": "sha512:" + digest.hexdigest()},
            "details": {"key": "com.example.timesheets", "version": "2.4.0"},
            "_links": {"self": {"href": f"/rest/3/artifacts/{len(self.uploads)}"}},
        }


def _publish_artifact(
    state: Path, clock: FakeClock, client: UploadOnlyMarketplace, events: list[ev.Event]
) -> None:
    release = load_release(EXAMPLES / "release.yml", env={}).release
    assert release is not None
    policy = RetryPolicy(sleep=clock.sleep)
    plan = Planner(release, None, policy, None).plan()  # fresh machine knowledge: upload
    ledger = UploadLedger(state / "uploads.json", "api|demo", limits=Limits(), clock=clock)
    journal = Journal(state, "api", release.app, release.build)
    executor = Executor(
        plan, client, policy, ledger, journal, events.append, clock=clock, sleep=clock.sleep
    )  # type: ignore[arg-type]
    executor.uploads.artifact()


def test_back_to_back_publishes_wait_exactly_the_spacing(tmp_path: Path) -> None:
    clock = FakeClock()
    client = UploadOnlyMarketplace(clock, duration=2.5)
    events: list[ev.Event] = []
    _publish_artifact(tmp_path, clock, client, events)
    clock.sleep(3.0)  # the rest of the first run: versions, listing
    _publish_artifact(tmp_path, clock, client, events)

    (_, first_end), (second_start, _) = client.uploads
    gap = second_start - first_end
    assert gap >= Limits().spacing
    assert gap <= Limits().spacing + 0.5
    waits = [e for e in events if isinstance(e, ev.Waiting)]
    assert waits and waits[0].remaining <= 7.0 + 1e-9  # 10 s - 3 s already spent, no more


def test_no_wait_when_the_previous_upload_is_long_past(tmp_path: Path) -> None:
    clock = FakeClock()
    client = UploadOnlyMarketplace(clock, duration=1.0)
    events: list[ev.Event] = []
    _publish_artifact(tmp_path, clock, client, events)
    clock.sleep(60.0)
    _publish_artifact(tmp_path, clock, client, events)
    assert not [e for e in events if isinstance(e, ev.Waiting)]


def test_seams_default_to_real_time() -> None:
    import time

    assert Seams().clock is time.time and Seams().sleep is time.sleep
