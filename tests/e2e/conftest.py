"""End-to-end fixtures: a sandbox Marketplace on loopback, a workspace with a release, and the
real CLI run in-process against it (the helpers themselves are in tests/support/publisher.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from publisher.sandbox import Sandbox, SandboxSettings
from tests.support.publisher import SPACING, Publisher, Release


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    settings = SandboxSettings(upload_spacing=SPACING)
    with Sandbox(settings=settings, port=0) as server:
        yield server


@pytest.fixture
def release(tmp_path: Path) -> Release:
    return Release(tmp_path / "repo")


@pytest.fixture
def publisher(sandbox: Sandbox, release: Release, tmp_path: Path) -> Publisher:
    return Publisher(sandbox, release, tmp_path / "state")
