"""Seed files: the bundled default, custom files, and clear errors for broken ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from publisher.sandbox import Sandbox, SeedError, load_seed
from publisher.sandbox.seed import app_software_id
from tests.support.api import Api


def test_default_seed() -> None:
    seed = load_seed()
    demo, rival = seed.accounts
    assert (demo.email, demo.token) == ("demo@example.com", "sandbox-demo-token")
    assert demo.apps[0].key == "com.example.timesheets"
    assert {h for h, _ in demo.apps[0].app_software} == {"datacenter", "server", "cloud"}
    assert rival.apps[0].key == "com.example.rival.reports"


def test_custom_seed_file_with_pinned_ids(tmp_path: Path) -> None:
    pinned = "11111111-2222-4333-8444-555555555555"
    seed_file = tmp_path / "seed.yml"
    seed_file.write_text(
        "accounts:\n"
        "  - email: me@vendor.test\n"
        "    token: t0ken\n"
        "    apps:\n"
        "      - key: io.vendor.app\n"
        f"        hosting: {{datacenter: {pinned}, server: null}}\n"
    )
    with Sandbox(seed=seed_file) as sandbox:
        assert sandbox.credentials == ("me@vendor.test", "t0ken")
        api = Api(sandbox)
        assert api.app_software_id("io.vendor.app", "datacenter") == pinned
        assert api.app_software_id("io.vendor.app", "server") == app_software_id(
            "io.vendor.app", "server"
        )
        assert api.get("/rest/3/app-software/app-key/com.example.timesheets").status_code == 404


def test_seed_as_a_mapping() -> None:
    seed = {"accounts": [{"email": "a@b.c", "token": "t", "apps": []}]}
    with Sandbox(seed=seed) as sandbox:
        assert sandbox.credentials == ("a@b.c", "t")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[]", "'accounts' list"),
        ("accounts: []", "at least one account"),
        ("accounts: [{email: a@b.c}]", r"accounts\[0\]: 'token'"),
        ("accounts: [{email: a@b.c, token: t, extra: 1}]", "unknown keys"),
        ("accounts: [{email: a@b.c, token: t, apps: [{key: k, hosting: [onprem]}]}]", "onprem"),
        ("accounts: [{email: a@b.c, token: t, apps: [{key: k, hosting: {server: 12}}]}]", "UUID"),
        (
            "accounts: [{email: a@b.c, token: t, apps: [{key: k}]},"
            " {email: d@e.f, token: u, apps: [{key: k}]}]",
            "owned twice",
        ),
        ("accounts: [{email: a@b.c, token: t}, {email: A@b.c, token: u}]", "duplicate account"),
        ("accounts: [{email: a@b.c, token: t, apps: {key: k}}]", "'apps' must be a list"),
        ("accounts: [\n", "not valid YAML"),
    ],
)
def test_broken_seeds_say_where(tmp_path: Path, text: str, message: str) -> None:
    seed_file = tmp_path / "seed.yml"
    seed_file.write_text(text)
    with pytest.raises(SeedError, match=message) as caught:
        load_seed(seed_file)
    assert str(seed_file) in str(caught.value)


def test_missing_seed_file(tmp_path: Path) -> None:
    with pytest.raises(SeedError, match="cannot read"):
        load_seed(tmp_path / "nope.yml")
