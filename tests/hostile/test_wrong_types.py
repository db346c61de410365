"""A slice of the wrong-type sweep (benchmarks/wrong_types.py runs all ~120 cases): a field of an
answer replaced by a value of the wrong type never ends in a crash or in blame on release.yml."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.wrong_types import Case, cases, run_case, verdict

STRIDE = 12  # every 12th case: each endpoint is still hit


@pytest.fixture(scope="module")
def sample() -> list[Case]:
    return cases()[::STRIDE]


def test_a_wrongly_typed_field_anywhere_is_never_a_crash(
    sample: list[Case], tmp_path: Path
) -> None:
    wrong = []
    for index, case in enumerate(sample):
        code, text = run_case(case, tmp_path / str(index))
        problem = verdict(code, text)
        if problem:
            wrong.append(f"{case.describe()}: {problem}")
    assert not wrong, "\n".join(wrong)
    assert len({(c.method, c.path) for c in sample}) >= 6
