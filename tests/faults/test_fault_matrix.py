"""The fault matrix, fast slice: 240 seeded scenarios (20 per step of a publish), each ending in
the right state. The benchmark script runs 1000+ of the same generator."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.fault_matrix import run_scenario, scenarios

COUNT = 240
CHUNKS = 24
ALL = scenarios(COUNT, seed=7)


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_every_scenario_ends_published_exactly_once(chunk: int, tmp_path: Path) -> None:
    failures = []
    for scenario in ALL[chunk::CHUNKS]:
        verdict = run_scenario(scenario, tmp_path)
        if verdict.problems:
            failures.append(f"{scenario.describe()}: {'; '.join(verdict.problems)}")
    assert not failures, "\n".join(failures)


def test_the_generator_covers_every_step_and_failure() -> None:
    steps = {(s.method, s.path) for s in ALL}
    actions = {(s.action, s.status) for s in ALL}
    assert len(steps) == 12 and len(actions) >= 9
