"""`mpac-publisher doctor`: credentials checked with reads only; a 401, 403, 404 and the token's
recorded expiry each get their own message, naming the account and never the token."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

from tests.e2e.aftercare import call, document, writes
from tests.support.publisher import Publisher, Release, Run, github_env

DEMO = "demo@example.com"


def in_days(days: int) -> str:
    return (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=days)).isoformat()


def doctor(publisher: Publisher, **env: str) -> tuple[Run, dict[str, str]]:
    developer, _vendor = publisher.sandbox.developer_ids()
    env = {"MPAC_DEVELOPER_ID": developer, "MPAC_TOKEN_EXPIRES": in_days(200), **env}
    run = call(publisher, "doctor", str(publisher.release.path), "--json", **env)
    found = document(run, "doctor")
    token = env.get("MPAC_TOKEN", publisher.env["MPAC_TOKEN"])
    assert token not in run.text, "the token must never be shown"
    statuses = {c["check"]: c["status"] for c in found.get("checks", [])}
    return run, {**statuses, "result": found["result"], "error": found["error"] or ""}


def test_good_credentials_pass_every_check_and_nothing_is_written(publisher: Publisher) -> None:
    run, found = doctor(publisher)
    assert run.code == 0, run.text
    assert found == {
        "account": "ok",
        "token expiry": "ok",
        "token": "ok",
        "developer space": "ok",
        "app on datacenter": "ok",
        "result": "ok",
        "error": "",
    }
    assert writes(publisher) == []


def test_a_refused_token_is_called_expired_or_revoked(publisher: Publisher) -> None:
    run, found = doctor(publisher, MPAC_TOKEN="not-the-token-0123456789")
    assert run.code == 4
    assert found["token"] == "failed" and found["app"] == "skipped"
    assert f"refused the token of {DEMO} (401): it has expired or was revoked" in found["error"]
    assert "id.atlassian.com/manage-profile/security/api-tokens" in found["error"]


def test_an_account_outside_the_developer_space_gets_a_403_message(publisher: Publisher) -> None:
    user, token = publisher.sandbox.account_credentials("rival@example.com")
    run, found = doctor(publisher, MPAC_USER=user, MPAC_TOKEN=token)
    assert run.code == 4
    assert found["token"] == "ok"
    assert found["developer space"] == "failed" and found["app"] == "failed"
    assert f"{user} may not read the developer space (403)" in found["error"]
    assert f"{user} may not read the app (403): the account is not a member" in found["error"]


def test_an_unknown_developer_space_gets_a_404_message(publisher: Publisher) -> None:
    run, found = doctor(publisher, MPAC_DEVELOPER_ID=str(uuid.uuid4()))
    assert run.code == 4
    assert found["developer space"] == "failed" and found["app on datacenter"] == "ok"
    assert f"the developer space is not visible to {DEMO} (404)" in found["error"]


def test_the_recorded_expiry_warns_within_14_days_and_fails_after_it(
    publisher: Publisher,
) -> None:
    run, found = doctor(publisher, MPAC_TOKEN_EXPIRES=in_days(10))
    assert run.code == 0 and found["token expiry"] == "warning" and found["result"] == "warning"
    assert f"expires on {in_days(10)}, in 10 days" in run.text
    run, found = doctor(publisher, MPAC_TOKEN_EXPIRES=in_days(-3))
    assert run.code == 4 and found["token expiry"] == "failed"
    assert f"the token expired on {in_days(-3)} (3 days ago)" in found["error"]
    run, found = doctor(publisher, MPAC_TOKEN_EXPIRES="next spring")
    assert run.code == 4 and "MPAC_TOKEN_EXPIRES is not a date (YYYY-MM-DD)" in found["error"]


def test_in_github_actions_doctor_annotates_and_summarises(
    publisher: Publisher, release: Release, tmp_path: Path
) -> None:
    developer, _vendor = publisher.sandbox.developer_ids()
    env = {
        **github_env(release, tmp_path),
        "MPAC_DEVELOPER_ID": developer,
        "MPAC_TOKEN_EXPIRES": in_days(5),
    }
    run = call(publisher, "doctor", str(release.path), **env)
    assert run.code == 0, run.text
    assert "::warning" in run.out and "in 5 days" in run.out
    summary = (tmp_path / "summary.md").read_text()
    assert summary.startswith("## ⚠️ mpac-publisher doctor: the credentials of ")
    assert "| token expiry | warning |" in summary
    shown = [line for line in run.text.splitlines() if not line.startswith("::add-mask::")]
    assert publisher.env["MPAC_TOKEN"] not in "\n".join(shown) + summary
