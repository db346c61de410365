"""What the upload steps tell the reporter (issue #21): the artifact's progress names its file,
each image's progress names the image and the images step, and the spacing wait names the step
that waits and says when it is over. Through a terminal reporter on the same fake clock, the
screen after two publishes in a row holds final states only: no stale bar or countdown."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

from publisher import events as ev
from publisher.config import load_release
from publisher.marketplace.retry import RetryPolicy
from publisher.publish.execute import Executor
from publisher.publish.plan import Planner
from publisher.report.terminal import TerminalReporter
from publisher.secrets import Redactor
from publisher.state.journal import Journal
from publisher.state.ledger import Limits, UploadLedger
from tests.report.screen import screen
from tests.support.clock import FakeClock

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CHUNK = 256  # bytes the fake reads between progress reports (the jar is 775 bytes)


class SlowMarketplace:
    """Answers artifact and image uploads like Marketplace, reading CHUNK bytes per 0.25 s of
    fake time and reporting progress after each, as the real upload monitor does."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.artifacts = 0

    def upload(
        self, path: str, filename: str, stream: Any, content_type: str, on_progress: Any
    ) -> dict[str, Any]:
        digest, done, total = hashlib.sha512(), 0, stream.len
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
            done += len(chunk)
            self.clock.sleep(0.25)
            if on_progress is not None:
                on_progress(done, total)
        if path.startswith("/assets/images/"):
            return {"id": f"img-{filename}"}
        self.artifacts += 1
        return {
            "fileInfo": {"checksum": "sha512:" + digest.hexdigest()},
            "details": {"key": "com.example.timesheets", "version": "2.4.0"},
            "_links": {"self": {"href": f"/rest/3/artifacts/{self.artifacts}"}},
        }


def _publish_uploads(
    state: Path, clock: FakeClock, client: Any, emit: ev.Emit, limits: Limits | None = None
) -> None:
    release = load_release(EXAMPLES / "release.yml", env={}).release
    assert release is not None
    policy = RetryPolicy(sleep=clock.sleep)
    plan = Planner(release, None, policy, None).plan()
    ledger = UploadLedger(
        state / "uploads.json", "api|demo", limits=limits or Limits(), clock=clock
    )
    journal = Journal(state, "api", release.app, release.build)
    executor = Executor(plan, client, policy, ledger, journal, emit, clock=clock, sleep=clock.sleep)
    executor.uploads.images()
    executor.uploads.artifact()


def test_progress_names_the_files_and_the_wait_ends_in_its_final_state(tmp_path: Path) -> None:
    clock, out = FakeClock(), io.StringIO()
    reporter = TerminalReporter(
        out, redact=Redactor(), tty=True, color=False, clock=clock, size=lambda: (100, 24)
    )
    events: list[ev.Event] = []

    def emit(event: ev.Event) -> None:
        events.append(event)
        reporter.emit(event)

    client = SlowMarketplace(clock)
    _publish_uploads(tmp_path / "one", clock, client, emit)
    _publish_uploads(tmp_path / "one", clock, client, emit)  # within 10 s: it waits
    reporter.close()

    progress = [e for e in events if isinstance(e, ev.Progress)]
    artifact = {e.name for e in progress if e.key == "artifact"}
    assert artifact == {"timesheets-2.4.0.jar"}
    images = {(e.step, e.name) for e in progress if e.key != "artifact"}
    assert images == {
        ("images", name)
        for name in ("overview.png", "h1.png", "h1-thumb.png", "h2.png", "h3.png", "hero.png")
    }
    waits = [e for e in events if isinstance(e, ev.Waiting)]
    assert waits and {e.key for e in waits} == {"artifact"}
    assert waits[-1].remaining == 0 and all(e.remaining > 0 for e in waits[:-1])

    shown = screen(out.getvalue(), 100)
    assert not [line for line in shown if "%" in line or "left" in line or "  … " in line], shown
    assert sum(line.startswith("    ⏳ waited ") for line in shown) == 1, shown
    uploaded = [line for line in shown if line.startswith("    Uploaded timesheets-2.4.0.jar")]
    assert uploaded == ["    Uploaded timesheets-2.4.0.jar (775 B) in 0.8 s"] * 2, shown


def test_the_wait_names_the_spacing_in_force_not_a_fixed_10_s(tmp_path: Path) -> None:
    """MPAC_UPLOAD_SPACING (the guess about Marketplace's rule is configurable) is what is said."""
    clock, events = FakeClock(), list[ev.Event]()
    client = SlowMarketplace(clock)
    for _ in range(2):
        _publish_uploads(tmp_path, clock, client, events.append, Limits(spacing=30.0))
    waits = {e.reason for e in events if isinstance(e, ev.Waiting)}
    assert waits == {"Marketplace allows one artifact upload every 30 s"}
