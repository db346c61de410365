from __future__ import annotations

import json
from pathlib import Path

import pytest

from publisher.config import load_release
from publisher.errors import CredentialsError, ExitCode, UsageError
from publisher.marketplace.connection import api_root, credentials
from publisher.marketplace.errors import (
    ApiAuthError,
    ApiError,
    ApiRejectedError,
    TransportError,
    api_error,
    parse_entries,
)
from publisher.marketplace.retry import RetryPolicy
from publisher.publish.payloads import release_key

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _body(status: object, code: str, detail: str) -> bytes:
    return json.dumps(
        {"errors": [{"id": "x", "status": status, "code": code, "title": "T", "detail": detail}]}
    ).encode()


@pytest.mark.parametrize("status", ["400", 400])
def test_error_status_may_be_a_string_or_an_integer(status: object) -> None:
    entries = parse_entries(
        _body(
            status,
            "VALIDATION_FAIL",
            "Invalid value for highlights.screenshot.imageId. Must be a valid UUID",
        )
    )
    assert entries[0].status == "400"
    assert entries[0].field == "highlights.screenshot.imageId"


@pytest.mark.parametrize("content", [b"", b"   ", b"<html>gateway</html>", b"[]", b'"text"'])
def test_odd_error_bodies_never_crash(content: bytes) -> None:
    exc = api_error("POST /rest/3/artifacts", 502, content)
    assert "HTTP 502" in exc.message
    assert exc.exit_code == ExitCode.UNAVAILABLE


def test_401_and_403_explain_credentials() -> None:
    exc = api_error("GET /rest/3/app-software/app-key/x", 401, b"")
    assert isinstance(exc, ApiAuthError) and exc.exit_code == ExitCode.AUTH
    assert "Forge and OAuth2" in (exc.advice or "")
    assert "own" in (api_error("GET x", 403, b"").advice or "")


def test_duplicate_build_is_a_rejection_with_its_detail() -> None:
    exc = api_error("POST v", 400, _body("400", "VALIDATION_ERROR", "Build number already exists"))
    assert isinstance(exc, ApiRejectedError) and exc.mentions("already exists")
    assert exc.exit_code == ExitCode.REJECTED


def test_api_fields_map_back_to_release_keys() -> None:
    release = load_release(EXAMPLES / "release.yml", env={}).release
    assert release is not None
    assert release_key("changelog.releaseNotes", release) == ("release", "notes_file")
    assert release_key("compatibilities[0].maxBuildNumber", release) == ("compatibility", 0, "max")
    assert release_key("highlights.1.title", release) == ("listing", "highlights", 1, "title")
    assert release_key("highlights.screenshot.imageId", release) == ("listing", "highlights")
    assert release_key("supportedPaymentModel", release) == ("payment",)
    assert release_key("developerLinks.learnMore", release) == ("listing", "links", "learn_more")
    assert release_key("somethingElse", release) is None


@pytest.mark.parametrize(
    "url",
    [
        "http://marketplace.example.com",
        "ftp://x",
        "https://user:pw@api.example.com",
        "https://api.atlassian.com/marketplace/rest/3",
    ],
)
def test_bad_api_roots_are_refused(url: str) -> None:
    with pytest.raises(UsageError):
        api_root(url, {})


def test_plain_http_is_fine_on_loopback() -> None:
    assert api_root("http://127.0.0.1:8765/", {}) == "http://127.0.0.1:8765"
    assert api_root(None, {"MPAC_API_URL": "http://localhost:1"}) == "http://localhost:1"


def test_credentials_come_from_the_environment_only() -> None:
    assert credentials(None, {}, required=False) is None
    with pytest.raises(CredentialsError):
        credentials(None, {}, required=True)
    with pytest.raises(UsageError, match="MPAC_USER is not"):  # a half-set job: exit 2
        credentials(None, {"MPAC_TOKEN": "t0ken-value"}, required=True)
    found = credentials(None, {"MPAC_USER": "a@b.c", "MPAC_TOKEN": "t0ken-value"}, required=True)
    assert found is not None and "t0ken-value" not in repr(found)


class Flaky:
    def __init__(self, failures: list[BaseException], result: str = "ok") -> None:
        self.failures = failures
        self.calls = 0
        self.result = result

    def __call__(self) -> str:
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        return self.result


def test_retry_after_is_honoured_and_capped() -> None:
    slept: list[float] = []
    policy = RetryPolicy(sleep=slept.append, max_retry_after=30)
    call = Flaky([api_error("GET x", 429, b"", retry_after=7.0), api_error("GET x", 503, b"")])
    assert policy.read("x", call) == "ok"
    assert slept[0] == 7.0 and 0 < slept[1] <= 30
    too_long = Flaky([api_error("GET x", 429, b"", retry_after=3600.0)])
    with pytest.raises(ApiError):
        policy.read("x", too_long)
    assert too_long.calls == 1


def test_retries_are_bounded() -> None:
    policy = RetryPolicy(sleep=lambda s: None, attempts=3)
    call = Flaky([api_error("GET x", 503, b"") for _ in range(10)])
    with pytest.raises(Exception, match="HTTP 503"):
        policy.read("x", call)
    assert call.calls == 3


def test_a_write_with_unknown_outcome_is_re_read_not_repeated() -> None:
    policy = RetryPolicy(sleep=lambda s: None)
    write = Flaky([TransportError("POST v", "timeout", maybe_processed=True)])
    reads: list[int] = []

    def reconcile() -> str | None:
        reads.append(1)
        return "created by the lost request"

    assert policy.write("create", write, reconcile) == "created by the lost request"
    assert write.calls == 1 and reads == [1]


def test_already_exists_after_an_unknown_outcome_is_verified() -> None:
    policy = RetryPolicy(sleep=lambda s: None)
    lost = TransportError("POST v", "reset", maybe_processed=True)
    exists = api_error(
        "POST v", 400, _body("400", "VALIDATION_ERROR", "Build number already exists")
    )
    write = Flaky([lost, exists])
    answers = iter([None, "it is there"])
    result = policy.write(
        "create", write, lambda: next(answers), already_done=lambda e: "already" in str(e)
    )
    assert result == "it is there" and write.calls == 2


def test_a_write_that_was_not_sent_is_simply_retried() -> None:
    policy = RetryPolicy(sleep=lambda s: None)
    write = Flaky([TransportError("POST v", "refused", maybe_processed=False)])
    assert policy.write("create", write, lambda: pytest.fail("no re-read needed")) == "ok"
