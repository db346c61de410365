"""Credentials that are wrong in shape: swapped, non-Latin-1, or inside an artifact URL. None is
ever printed, and a credentials problem is exit 4 before anything is sent."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from tests.support.fileserver import file_server
from tests.support.publisher import Publisher, Release, github_env

TOKENISH = "ATATT3xFfGF0swapped-token-value-0123456789"


def _written(tmp_path: Path) -> str:
    return "".join(p.read_text() for p in tmp_path.glob("*.*") if p.is_file())


@pytest.mark.parametrize("github", [False, True])
def test_swapped_user_and_token_never_print_the_token(
    publisher: Publisher, release: Release, tmp_path: Path, github: bool
) -> None:
    env = {"MPAC_USER": TOKENISH, "MPAC_TOKEN": "dev@example.com", "MPAC_DEBUG": "1"}
    if github:
        env |= github_env(release, tmp_path)
    run = publisher("publish", "--json", **env)
    assert run.code == 4, run.text
    assert json.loads(run.out)["exit_code"] == 4
    assert "swapped" in run.err
    shown = [line for line in run.text.splitlines() if not line.startswith("::add-mask::")]
    assert not any(TOKENISH in line for line in shown), run.text
    assert TOKENISH not in _written(tmp_path)
    assert publisher.writes() == [] and publisher.sandbox.journal() == []


def test_a_token_without_its_user_never_prints_a_token_shaped_user(publisher: Publisher) -> None:
    run = publisher("publish", "--json", MPAC_USER=TOKENISH, MPAC_TOKEN="")
    assert run.code == 4 and TOKENISH not in run.text


@pytest.mark.parametrize(
    "variable, value",
    [("MPAC_TOKEN", "tokén-with-€-sign-123"), ("MPAC_USER", "dév€@example.com")],
)
def test_non_latin1_credentials_are_a_credentials_error_before_any_request(
    publisher: Publisher, variable: str, value: str
) -> None:
    run = publisher("publish", "--json", **{variable: value})
    assert run.code == 4, run.text
    document = json.loads(run.out)
    assert document["exit_code"] == 4 and variable in document["error"]
    assert value not in run.text
    assert publisher.sandbox.journal() == [], "nothing may be sent with unusable credentials"


def test_artifact_url_credentials_are_never_shown_but_reach_the_fetch(
    publisher: Publisher, release: Release, tmp_path: Path
) -> None:
    served = tmp_path / "served"
    served.mkdir()
    jar = release.root / "target" / "timesheets-2.4.0.jar"
    (served / "app.jar").write_bytes(jar.read_bytes())
    password = "s3cret-url-password"
    with file_server(served) as base:
        url = base.replace("http://", f"http://deploy:{password}@") + "/app.jar"
        release.edit("artifact: target/timesheets-2.4.0.jar", f"artifact: {url}")
        env = github_env(release, tmp_path)
        runs = [publisher("plan", "--json"), publisher("publish", "--json", **env)]
    for run in runs:
        assert run.code == 0, run.text
        assert password not in run.text and "deploy:" not in run.text
        assert "***@127.0.0.1" in run.text  # the URL is still shown, without its userinfo
    assert password not in _written(tmp_path)
    for state in Path(publisher.env["MPAC_STATE_DIR"]).rglob("*"):
        assert not state.is_file() or password not in state.read_text(), state
    pair = base64.b64encode(f"deploy:{password}".encode()).decode()
    assert pair not in run.text
    remotes = [a.get("remote") or "" for a in publisher.sandbox.state()["artifacts"].values()]
    assert any(password in r for r in remotes), "Marketplace's fetch needs the whole URL"


@pytest.mark.parametrize(
    "root", ["deploy:api-root-secret@api.example.com", "https://deploy:api-root-secret@x.example"]
)
def test_an_api_root_with_credentials_is_refused_without_echoing_them(
    publisher: Publisher, root: str
) -> None:
    run = publisher("publish", "--json", MPAC_API_URL=root)
    assert run.code == 2, run.text
    assert json.loads(run.out)["exit_code"] == 2
    assert "api-root-secret" not in run.text


def test_a_token_too_short_to_mask_is_refused_before_any_request(publisher: Publisher) -> None:
    run = publisher("publish", "--json", MPAC_TOKEN="x9q")
    assert run.code == 4, run.text
    assert "x9q" not in run.text and publisher.sandbox.journal() == []


def test_a_refused_token_names_the_account_tried_and_never_the_token(publisher: Publisher) -> None:
    user = publisher.env["MPAC_USER"]
    run = publisher("publish", "--json", MPAC_TOKEN="not-the-token-0123456789")
    assert run.code == 4, run.text
    assert f"the credentials ({user}) were not accepted" in json.loads(run.out)["advice"]
    assert "not-the-token-0123456789" not in run.text
    assert publisher.writes() == []
