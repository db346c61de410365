"""The upload ledger survives damaged and skewed state: bad entries are skipped with a warning,
records in the future never make a wait longer than the spacing rule, and recording an upload
never crashes (a crash there used to lose the journal record and re-upload on every run)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from publisher.state.ledger import Limits, UploadLedger

NOW = 1_000_000.0


def _ledger(tmp_path: Path, warnings: list[str], now: float = NOW) -> UploadLedger:
    return UploadLedger(
        tmp_path / "uploads.json",
        "api|demo",
        limits=Limits(),
        clock=lambda: now,
        warn=warnings.append,
    )


def _write(ledger: UploadLedger, entries: Any, **others: Any) -> None:
    ledger.path.write_text(json.dumps({ledger.account: entries, **others}))


GOOD = {"started": NOW - 30, "finished": NOW - 25, "size": 100}
DAMAGED: dict[str, Any] = {
    "finished is text": [{"started": NOW - 9, "finished": "soon", "size": 1}, GOOD],
    "finished is null": [{"started": NOW - 9, "finished": None, "size": 1}, GOOD],
    "finished missing": [{"started": NOW - 9, "size": 1}, GOOD],
    "entry is a string": ["junk", GOOD],
    "entry is a list": [[1, 2, 3], GOOD],
    "size is an object": [{"started": NOW - 9, "finished": NOW - 8, "size": {}}, GOOD],
    "account is an object": {"started": NOW - 9, "finished": NOW - 8, "size": 1},
    "account is a number": 7,
}


@pytest.mark.parametrize("case", list(DAMAGED))
def test_a_damaged_ledger_entry_is_skipped_with_a_warning_and_recording_still_works(
    tmp_path: Path, case: str
) -> None:
    warnings: list[str] = []
    ledger = _ledger(tmp_path, warnings)
    _write(ledger, DAMAGED[case], someone_else="not a list either")
    assert ledger.wait_needed() == 0.0  # the damaged entry is not counted
    ledger.record(NOW - 2, NOW - 1, 500)  # used to raise TypeError / ValueError
    assert warnings, "the damage must be reported"
    fresh: list[str] = []
    assert [r.size for r in _ledger(tmp_path, fresh).records()] == (
        [100, 500] if isinstance(DAMAGED[case], list) else [500]
    )
    assert not fresh, "recording rewrites a clean ledger"
    assert json.loads(ledger.path.read_text())["someone_else"] == "not a list either"


@pytest.mark.parametrize("document", ["{not json", "[1, 2]", '"text"', "\udcff"])
def test_an_unreadable_ledger_file_is_treated_as_empty_with_a_warning(
    tmp_path: Path, document: str
) -> None:
    warnings: list[str] = []
    ledger = _ledger(tmp_path, warnings)
    ledger.path.write_bytes(document.encode("utf-8", "surrogateescape"))
    assert ledger.records() == [] and warnings
    ledger.record(NOW - 2, NOW - 1, 5)
    assert len(_ledger(tmp_path, []).records()) == 1


@pytest.mark.parametrize("finished", [NOW + 3600, 1e300, math.inf, -math.inf, math.nan])
def test_a_record_in_the_future_never_makes_the_wait_exceed_the_spacing(
    tmp_path: Path, finished: float
) -> None:
    warnings: list[str] = []
    ledger = _ledger(tmp_path, warnings)
    # json.dumps writes Infinity / NaN, which Python's json reads back as floats
    _write(ledger, [{"started": NOW - 1, "finished": finished, "size": 10}])
    wait = ledger.wait_needed()
    assert 0.0 <= wait <= Limits().spacing
    assert ledger.frees_at(10) is None and math.isfinite(ledger.used())
    assert warnings, "a skewed or damaged record must be reported"
    ledger.record(NOW, NOW + 1, 10)  # and recording still works


def test_a_future_record_is_counted_as_just_finished(tmp_path: Path) -> None:
    """Clamped, not dropped: the upload may really have just happened (the clock stepped back)."""
    warnings: list[str] = []
    ledger = _ledger(tmp_path, warnings)
    _write(ledger, [{"started": NOW + 3590, "finished": NOW + 3600, "size": 10}])
    assert ledger.wait_needed() == Limits().spacing
    assert ledger.used() == 10
    assert any("in the future" in w for w in warnings)


def test_each_problem_is_reported_once_per_run(tmp_path: Path) -> None:
    warnings: list[str] = []
    ledger = _ledger(tmp_path, warnings)
    _write(ledger, ["junk", {"started": NOW, "finished": NOW + 99, "size": 1}])
    for _ in range(3):
        ledger.wait_needed()
        ledger.used()
    assert len(warnings) == 2


@pytest.mark.parametrize("ahead", [3600.0, 1e300, math.inf])
def test_a_publish_after_a_clock_step_back_waits_at_most_the_spacing_and_says_so(
    tmp_path: Path, ahead: float
) -> None:
    from publisher import events as ev
    from publisher.config import load_release
    from publisher.diagnostics import warning
    from publisher.marketplace.retry import RetryPolicy
    from publisher.publish.execute import Executor
    from publisher.publish.plan import Planner
    from publisher.state.journal import Journal
    from tests.state.test_spacing import EXAMPLES, FakeClock, UploadOnlyMarketplace

    clock = FakeClock()
    client = UploadOnlyMarketplace(clock, duration=1.0)
    events: list[ev.Event] = []
    ledger = UploadLedger(
        tmp_path / "uploads.json",
        "api|demo",
        clock=clock,
        warn=lambda m: events.append(ev.Problem(warning(m))),
    )
    _write(ledger, [{"started": clock.now - 5, "finished": clock.now + ahead, "size": 1}])
    release = load_release(EXAMPLES / "release.yml", env={}).release
    assert release is not None
    policy = RetryPolicy(sleep=clock.sleep)
    plan = Planner(release, None, policy, None).plan()
    journal = Journal(tmp_path, "api", release.app, release.build)
    executor = Executor(
        plan, client, policy, ledger, journal, events.append, clock=clock, sleep=clock.sleep
    )  # type: ignore[arg-type]
    executor.uploads.artifact()
    assert executor.result.waited <= Limits().spacing
    assert client.uploads and client.uploads[0][0] <= 1_000_000.0 + Limits().spacing
    assert any(isinstance(e, ev.Problem) for e in events), "the skewed record is reported"


def test_an_artifact_larger_than_the_whole_budget_is_a_clear_problem_not_a_crash(
    tmp_path: Path,
) -> None:
    from publisher.config import load_release
    from publisher.marketplace.retry import RetryPolicy
    from publisher.publish.plan import Planner
    from publisher.state.ledger import budget_problem
    from tests.state.test_spacing import EXAMPLES

    release = load_release(EXAMPLES / "release.yml", env={}).release
    assert release is not None
    plan = Planner(release, None, RetryPolicy(), None).plan()
    ledger = UploadLedger(tmp_path / "u.json", "a", limits=Limits(budget_bytes=100))
    artifact = plan.artifact
    problem = budget_problem(
        ledger, artifact.source, artifact.upload_size
    )  # used to raise OverflowError (a timestamp of inf)
    assert problem is not None and "more than the whole upload budget" in problem


def test_recording_stores_a_future_record_clamped_so_it_is_reported_once(tmp_path: Path) -> None:
    warnings: list[str] = []
    ledger = _ledger(tmp_path, warnings)
    _write(ledger, [{"started": NOW + 3590, "finished": NOW + 3600, "size": 10}])
    ledger.record(NOW - 2, NOW - 1, 5)
    later: list[str] = []
    assert _ledger(tmp_path, later, now=NOW + 20).wait_needed() == 0.0
    assert not later, "the skew was reported by the run that found it"
