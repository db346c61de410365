"""The wrong-type sweep's top-level fields (benchmarks/wrong_types.py runs all ~120 cases): a
field of an answer replaced by a value of the wrong type never ends in a crash (exit 1) or in
blame on release.yml (exit 3)."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.wrong_types import ENDPOINTS, run_case, top_level_cases, verdict

CASES = top_level_cases()
CHUNKS = 3


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_a_wrongly_typed_field_in_any_answer_is_never_a_crash(chunk: int, tmp_path: Path) -> None:
    wrong = []
    for index, case in enumerate(CASES[chunk::CHUNKS]):
        code, text = run_case(case, tmp_path / str(index))
        problem = verdict(code, text)
        if problem:
            wrong.append(f"{case.describe()}: {problem}")
    assert not wrong, "\n".join(wrong)


def test_the_slice_reaches_every_endpoint() -> None:
    assert {(c.method, c.path) for c in CASES} == {(m, p) for m, p, _ in ENDPOINTS}
