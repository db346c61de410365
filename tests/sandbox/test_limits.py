"""Upload spacing (from the end of the previous upload) and the rolling byte budget."""

from __future__ import annotations

import math
import threading
import time

import pytest

from publisher.sandbox.limits import RateLimited, SandboxUploadLimits
from tests.support.api import Api, check
from tests.support.artifacts import jar_bytes
from tests.support.openapi import validate_schema

UPLOAD = "/rest/3/artifacts"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def ledger(
    clock: FakeClock, spacing: float = 10.0, budget: int = 750, window: float = 7200.0
) -> SandboxUploadLimits:
    return SandboxUploadLimits(spacing, budget, window, threading.RLock(), clock)


def test_spacing_runs_from_the_end_of_the_previous_upload() -> None:
    clock = FakeClock()
    book = ledger(clock)
    upload = book.begin("a", "upload", 100)
    clock.now += 30  # a long upload
    book.finish(upload, 100, "ok")
    clock.now += 4
    with pytest.raises(RateLimited) as caught:
        book.begin("a", "upload", 100)
    assert caught.value.retry_after == pytest.approx(6.0)
    assert caught.value.retry_after_header == "6"
    clock.now += 6
    book.begin("a", "upload", 100)


def test_spacing_is_per_account_and_blocks_concurrent_uploads() -> None:
    clock = FakeClock()
    book = ledger(clock)
    book.begin("a", "upload", 1)
    book.begin("b", "upload", 1)  # another account is independent
    with pytest.raises(RateLimited, match="in progress"):
        book.begin("a", "upload", 1)


def test_retry_after_is_rounded_up() -> None:
    clock = FakeClock()
    book = ledger(clock, spacing=0.2)
    book.finish(book.begin("a", "upload", 1), 1, "ok")
    clock.now += 0.05
    with pytest.raises(RateLimited) as caught:
        book.begin("a", "upload", 1)
    assert caught.value.retry_after_header == "1"


def test_budget_counts_stored_bytes_in_the_window() -> None:
    clock = FakeClock()
    book = ledger(clock, spacing=0, budget=750, window=7200)
    book.finish(book.begin("a", "upload", 300), 300, "ok")
    clock.now += 100
    book.finish(book.begin("a", "upload", 300), 300, "ok")
    clock.now += 100
    book.finish(book.begin("a", "upload", None), 999, "too-large")  # not stored: not counted
    with pytest.raises(RateLimited) as caught:
        book.begin("a", "upload", 200)  # 600 + 200 > 750
    # The first upload ages out at 1000 + 7200; now is 1200.
    assert caught.value.retry_after == pytest.approx(7000)
    book.begin("a", "upload", 100)  # 600 + 100 fits
    clock.now = 1000 + 7200 + 1
    book.begin("b", "upload", 1)


def test_budget_without_content_length_waits_for_room() -> None:
    clock = FakeClock()
    book = ledger(clock, spacing=0, budget=500, window=60)
    book.finish(book.begin("a", "upload", None), 500, "ok")
    with pytest.raises(RateLimited) as caught:
        book.begin("a", "fetch", None)
    assert math.ceil(caught.value.retry_after) == 60


def test_spacing_over_http_is_429_with_retry_after(make_sandbox) -> None:  # type: ignore[no-untyped-def]
    sandbox = make_sandbox(upload_spacing=1.0)
    api = Api(sandbox)
    assert api.upload_artifact(jar_bytes()).status_code == 200
    response = api.upload_artifact(jar_bytes())
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "1"
    validate_schema("ErrorResponse", response.json())  # 429 is not declared by the spec
    assert response.json()["errors"][0]["code"] == "RATE_LIMITED"
    assert sandbox.journal()[-1]["outcome"] == "rate-limited"
    uploads = sandbox.state()["uploads"]
    assert len(uploads) == 1  # the refused upload's body was never read
    time.sleep(1.05)
    assert api.upload_artifact(jar_bytes()).status_code == 200
    first, second = sandbox.state()["uploads"]
    assert second["started"] - first["finished"] >= 1.0


def test_rate_limit_status_is_configurable(make_sandbox) -> None:  # type: ignore[no-untyped-def]
    api = Api(make_sandbox(upload_spacing=5, rate_limit_status=503))
    assert api.upload_artifact(jar_bytes()).status_code == 200
    response = api.upload_artifact(jar_bytes())
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.json()["errors"][0]["status"] == "503"


def test_budget_over_http(make_sandbox) -> None:  # type: ignore[no-untyped-def]
    data = jar_bytes(filler=20_000)
    sandbox = make_sandbox(budget_bytes=len(data) * 2 + 1000, budget_window=30)
    api = Api(sandbox)
    for _ in range(2):
        assert api.upload_artifact(data).status_code == 200
    response = api.upload_artifact(data)
    assert response.status_code == 429
    assert 25 <= int(response.headers["Retry-After"]) <= 30
    assert "limit" in response.json()["errors"][0]["detail"]


def test_fetch_spacing_follows_the_setting(make_sandbox, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.support.fileserver import file_server

    (tmp_path / "a.jar").write_bytes(jar_bytes())
    with file_server(tmp_path) as base:
        for applies, expected in ((True, 429), (False, 200)):
            sandbox = make_sandbox(upload_spacing=30, spacing_applies_to_fetch=applies)
            api = Api(sandbox)
            assert api.upload_artifact(jar_bytes()).status_code == 200
            response = api.post("/rest/3/artifacts/fetch", json={"uri": f"{base}/a.jar"})
            assert response.status_code == expected, applies
            if expected == 200:
                check(response, "/rest/3/artifacts/fetch")


def test_images_are_not_spaced(make_sandbox) -> None:  # type: ignore[no-untyped-def]
    from tests.support.artifacts import png_bytes

    api = Api(make_sandbox(upload_spacing=30))
    assert api.upload_artifact(jar_bytes()).status_code == 200
    for _ in range(3):
        api.image_id(png_bytes(), "screenshot")
