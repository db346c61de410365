"""One redactor for every output: a token with JSON-, URL- and GitHub-escaped characters is masked
in the terminal, `--json`, annotations, the job summary, GITHUB_OUTPUT and MPAC_DEBUG tracebacks,
in each of its escaped forms, even when the server echoes it back."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest

from publisher.sandbox import Fault, Sandbox, SandboxSettings
from tests.support.publisher import SPACING, Publisher, Release, github_env

HOSTILE_TOKEN = 'q"uo\\te%25-tok-3n,with:colon'
EMAIL = "quoted@example.com"
SEED = {
    "accounts": [
        {
            "email": EMAIL,
            "token": HOSTILE_TOKEN,
            "apps": [{"key": "com.example.timesheets", "hosting": ["datacenter"]}],
        }
    ]
}


@pytest.fixture
def hostile(release: Release, tmp_path: Path) -> Iterator[Publisher]:
    with Sandbox(settings=SandboxSettings(upload_spacing=SPACING), seed=SEED, port=0) as server:
        publisher = Publisher(server, release, tmp_path / "state")
        publisher.env |= {"MPAC_USER": EMAIL, "MPAC_TOKEN": HOSTILE_TOKEN}
        yield publisher


def _escaped(value: str) -> set[str]:
    github = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return {
        value,
        json.dumps(value)[1:-1],
        quote(value, safe=""),
        quote_plus(value, safe=""),
        github,
        github.replace(":", "%3A").replace(",", "%2C"),
    }


def _forms() -> set[str]:
    pair = f"{EMAIL}:{HOSTILE_TOKEN}"
    encoded = base64.b64encode(pair.encode()).decode()
    return {f for value in (HOSTILE_TOKEN, pair, encoded) for f in _escaped(value)}


def _assert_masked(texts: list[str]) -> None:
    for text in texts:
        for line in text.splitlines():
            if line.startswith("::add-mask::"):
                continue
            for form in _forms():
                assert form not in line, f"{form!r} leaked in: {line[:160]}"


def test_a_token_echoed_by_the_server_is_masked_in_every_escaped_form(
    hostile: Publisher, release: Release, tmp_path: Path
) -> None:
    hostile.sandbox.add_fault(
        Fault(
            method="POST",
            path="/rest/3/app-software/*/versions",
            status=400,
            detail=f"Invalid value for changelog.releaseNotes. Token was {HOSTILE_TOKEN}",
        )
    )
    github = github_env(release, tmp_path)
    runs = [hostile("publish", "--json", **github), hostile("publish", "--json", MPAC_DEBUG="1")]
    for run in runs:
        assert run.code in (0, 6), run.text
        json.loads(run.out)  # still one valid document
    files = [p.read_text() for p in tmp_path.glob("*.*") if p.is_file()]
    _assert_masked([r.out + r.err for r in runs] + files)
    assert runs[0].code == 6 and "***" in runs[0].out


def test_a_bug_whose_message_holds_the_token_is_redacted_in_traceback_and_json(
    publisher: Publisher, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = publisher.env["MPAC_TOKEN"]

    def broken(self: object) -> None:  # a bug somewhere in planning, with the token in its text
        raise RuntimeError(f"could not plan with {json.dumps({'auth': token})}")

    monkeypatch.setattr("publisher.commands.publish.Planner.plan", broken)
    run = publisher("publish", "--json", MPAC_DEBUG="1")
    assert run.code == 1, run.text
    document = json.loads(run.out)
    assert document["exit_code"] == 1 and document["result"] == "failed"
    assert "RuntimeError" in document["error"] and "Traceback" in run.err
    assert token not in run.text
