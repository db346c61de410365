"""Damaged artifacts in bulk (issue #20): flipping bytes anywhere in a jar, an OBR or a Connect
descriptor gives a readable answer or an ArtifactProblem, never another exception (exit 1)."""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from publisher.files.artifact import ArtifactProblem, inspect
from tests.support.artifacts import connect_bytes, jar_bytes, obr_bytes

SAMPLES = {"app.jar": jar_bytes(), "app.obr": obr_bytes(), "app.json": connect_bytes()}


@given(
    name=st.sampled_from(sorted(SAMPLES)),
    flips=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), max_size=6),
    cut=st.one_of(st.none(), st.floats(0.05, 1)),
)
@example(name="app.obr", flips=[(0.8587230908335198, 64)], cut=None)  # "zip file version 6.4"
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_a_damaged_artifact_is_an_artifact_problem_never_a_crash(
    name: str, flips: list[tuple[float, int]], cut: float | None
) -> None:
    data = bytearray(SAMPLES[name])
    for where, value in flips:
        data[int(where * len(data))] = value
    if cut is not None:
        data = data[: max(1, int(cut * len(data)))]
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / name
        path.write_bytes(bytes(data))
        with contextlib.suppress(ArtifactProblem):  # any other exception fails the test
            inspect(path)
