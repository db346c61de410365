"""Fixtures: the sandbox behind a hostile proxy, and the real CLI pointed at the proxy."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from publisher.sandbox import Sandbox
from tests.e2e.conftest import publisher, release, sandbox
from tests.support.hostile import HostileServer, hostile_proxy
from tests.support.publisher import Publisher, Release

__all__ = ["publisher", "release", "sandbox"]


@pytest.fixture
def proxy(sandbox: Sandbox) -> Iterator[HostileServer]:
    with hostile_proxy(sandbox.url) as server:
        yield server


@pytest.fixture
def via_proxy(
    sandbox: Sandbox, release: Release, tmp_path: Path, proxy: HostileServer
) -> Publisher:
    """The publisher with MPAC_API_URL on the proxy: every answer can be rewritten."""
    run = Publisher(sandbox, release, tmp_path / "state")
    run.env["MPAC_API_URL"] = proxy.url
    return run
