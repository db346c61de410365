"""The job summary of every outcome, each from a real run against a sandbox (GitHub mode)."""

from __future__ import annotations

import importlib.util
import tempfile
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "render_summary", ROOT / "scripts" / "render_summary.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


render_summary = _script()


@pytest.fixture(scope="session")
def summaries() -> dict[str, str]:
    with tempfile.TemporaryDirectory() as work:
        return {o: render_summary.summary_of(o, Path(work)) for o in render_summary.OUTCOMES}
