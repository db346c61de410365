"""Fixtures: a fresh sandbox per test (port 0, so tests run in parallel), and API helpers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from publisher.sandbox import Sandbox, SandboxSettings
from tests.support.api import Api
from tests.support.artifacts import jar_bytes

DEMO_APP = "com.example.timesheets"
RIVAL = "rival@example.com"
RIVAL_APP = "com.example.rival.reports"


# The per-endpoint tests read exact messages, orders and documents: they start from the
# friendlier behaviours, and test_live_like.py checks each live-like default on its own.
FRIENDLY: dict[str, Any] = {
    "upload_spacing": 0,  # the spacing tests make their own sandboxes
    "validation_messages": "spec",
    "version_order": "newest-first",
    "readback_defaults": False,
    "image_dimensions": {},
}


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(settings=SandboxSettings(**FRIENDLY)) as sb:
        yield sb


@pytest.fixture
def make_sandbox() -> Iterator[Any]:
    """make_sandbox(**settings) -> a started Sandbox, stopped after the test."""
    started: list[Sandbox] = []

    def make(seed: Any = None, **settings: Any) -> Sandbox:
        settings = {**FRIENDLY, **settings}
        sb = Sandbox(settings=SandboxSettings(**settings), seed=seed).start()
        started.append(sb)
        return sb

    yield make
    for sb in started:
        sb.stop()


@pytest.fixture
def api(sandbox: Sandbox) -> Api:
    return Api(sandbox)


@pytest.fixture
def rival(sandbox: Sandbox) -> Api:
    return Api(sandbox, sandbox.account_credentials(RIVAL))


@pytest.fixture
def dc(api: Api) -> str:
    """The demo app's Data Center appSoftwareId."""
    return api.app_software_id(DEMO_APP, "datacenter")


@pytest.fixture
def artifact(api: Api) -> str:
    """An uploaded artifact id for the demo app, version 2.4.0."""
    return api.artifact_id(jar_bytes())


@pytest.fixture
def version(api: Api, dc: str, artifact: str) -> int:
    """Build 2004000 created on the demo app's DC app software."""
    response = api.post(f"/rest/3/app-software/{dc}/versions", json=api.version_body(artifact))
    assert response.status_code == 201, response.text
    return 2004000
