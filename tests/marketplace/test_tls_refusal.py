"""A server certificate that fails verification (self-signed, from an unknown CA, for another
name) is said as such, once: "TLS certificate verification failed for HOST: reason", never
retried (the handshakes the server counts), with REQUESTS_CA_BUNDLE as the way out, exit 8."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from publisher.cli import main
from publisher.errors import ExitCode
from publisher.marketplace.client import Marketplace
from publisher.marketplace.connection import Connection, Credentials
from publisher.marketplace.errors import CertificateError
from publisher.marketplace.retry import RetryPolicy
from tests.support.publisher import Release
from tests.support.tls import self_signed, signed_by_unknown_ca, tls_server

USER, TOKEN = "vendor@example.com", "tls-test-token-1"

# name -> (make the certificate, trust it through REQUESTS_CA_BUNDLE, host in the URL, reason)
CASES: dict[str, tuple[Callable[[Path], tuple[Path, Path]], bool, str, str]] = {
    "self-signed": (self_signed, False, "127.0.0.1", "self-signed certificate"),
    "unknown CA": (signed_by_unknown_ca, False, "127.0.0.1", "unable to get local issuer"),
    "wrong name": (self_signed, True, "localhost", "Hostname mismatch"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_refused_certificate_is_one_handshake_with_its_reason(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make, trusted, host, reason = CASES[case]
    cert, key = make(tmp_path)
    if trusted:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))
    else:
        monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    with tls_server(cert, key) as server:
        client = Marketplace(Connection(f"https://{host}:{server.port}", Credentials(USER, TOKEN)))
        policy = RetryPolicy(initial=0.0, sleep=lambda seconds: None)
        with pytest.raises(CertificateError) as caught:
            policy.read("find app", lambda: client.app_software("com.example.timesheets", None))
        client.close()
    assert server.count() == 1, "a refused certificate was tried again"
    message = caught.value.message
    assert message.startswith(f"TLS certificate verification failed for {host}: "), message
    assert reason in message
    assert "REQUESTS_CA_BUNDLE" in (caught.value.advice or "")
    assert caught.value.exit_code == ExitCode.UNAVAILABLE


def test_a_publish_to_a_self_signed_root_stops_at_once_with_exit_8(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    release = Release(tmp_path / "repo")
    cert, key = self_signed(tmp_path)
    with tls_server(cert, key) as server:
        env = {
            "MPAC_API_URL": f"https://127.0.0.1:{server.port}",
            "MPAC_USER": USER,
            "MPAC_TOKEN": TOKEN,
            "MPAC_STATE_DIR": str(tmp_path / "state"),
            "MPAC_RETRY_INITIAL": "0.01",
            "NO_COLOR": "1",
        }
        code = main(["publish", "--json", str(release.path)], env)
    out, err = capsys.readouterr()
    document = json.loads(out)
    assert code == 8 and document["exit_code"] == 8 and document["result"] == "failed"
    # The publish's first round sends its reads side by side: each is tried once, none retried.
    assert 1 <= document["requests"] <= 2, document["requests"]
    assert document["error"].startswith("TLS certificate verification failed for 127.0.0.1: ")
    assert "self-signed certificate" in document["error"]
    assert "REQUESTS_CA_BUNDLE" in document["advice"]
    assert "retry" not in err and "check the network" not in err + out
    assert TOKEN not in out + err


def test_a_ca_bundle_that_cannot_be_read_is_a_usage_error_not_a_bug(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "company-ca.pem"
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(missing))
    release = Release(tmp_path / "repo")
    cert, key = self_signed(tmp_path)
    with tls_server(cert, key) as server:
        env = {
            "MPAC_API_URL": f"https://127.0.0.1:{server.port}",
            "MPAC_USER": USER,
            "MPAC_TOKEN": TOKEN,
            "MPAC_STATE_DIR": str(tmp_path / "state"),
            "NO_COLOR": "1",
        }
        code = main(["publish", "--json", str(release.path)], env)
    out, err = capsys.readouterr()
    document = json.loads(out)
    assert code == 2 and document["exit_code"] == 2, err
    assert str(missing) in document["error"] and "REQUESTS_CA_BUNDLE" in document["advice"]
    assert "unexpected" not in document["error"] and "Traceback" not in err
