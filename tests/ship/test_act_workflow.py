"""Real workflows that use the local action, run by `act` (self-hosted mode, no Docker, offline)
against the sandbox Marketplace: the annotation lands on the release.yml line, outputs and summary
appear, the token shows up nowhere; and a second run of the same release on a machine without the
state directory gets it back from the state cache and is `unchanged` with zero writes.

act cannot clone the nested actions action.yml uses (actions/cache/restore, actions/cache/save,
actions/setup-python) without network, so this test, and only this test, replaces exactly those
pinned commits with local stand-ins (tests/ship/standins/, act's `--local-repository`): a tar-file
cache with the same inputs, outputs and restore-keys rule, and a setup-python that answers with an
interpreter this test runs on. The real action.yml keeps the real, SHA-pinned actions.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from publisher.sandbox import Fault, Sandbox
from tests.ship.actrun import RUNNER, finished, needs_act, run_act, stand_ins
from tests.ship.toolcopy import copy_tool

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).parent
NOTES_REJECTED = "Invalid value for changelog.releaseNotes. Cannot be longer than 5000 characters"
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def _repository(tmp: Path) -> Path:
    repo = copy_tool(tmp / "repo")
    shutil.copytree(
        ROOT / "examples", repo / "app", ignore=shutil.ignore_patterns(".github", ".circleci")
    )
    (repo / ".github" / "workflows").mkdir(parents=True)
    for workflow in ("e2e.yml", "e2e-rerun.yml"):
        shutil.copy(HERE / "workflows" / workflow, repo / ".github" / "workflows")
    for argv in (
        ["init", "-q"],
        ["add", "-A"],
        ["-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "x"],
    ):
        subprocess.run(["git", *argv], cwd=repo, check=True)
    return repo


def act_against(
    repo: Path, workflow: str, sandbox: Sandbox, tmp: Path, *, run: str = "first"
) -> str:
    """act's push run of `workflow` against `sandbox`, its state under tmp/state; `run` names the
    run for workflows that build differently each time (its log is tmp/<workflow>-<run>.log)."""
    user, token = sandbox.credentials
    done = run_act(
        "push",
        f".github/workflows/{workflow}",
        repo,
        tmp,
        env={
            "SANDBOX_URL": sandbox.url,
            "STATE_ROOT": str(tmp / "state"),
            "RUN": run,
            "STANDIN_CACHE_DIR": str(tmp / "runner-cache"),
            **RUNNER,
        },
        secrets={"MPAC_USER": user, "MPAC_TOKEN": token},
        more=stand_ins(),
    )
    return finished(done, tmp / f"{workflow}-{run}.log", token)


@pytest.mark.slow
@pytest.mark.timeout(900)
@needs_act
def test_the_action_publishes_through_act_and_a_rerun_is_unchanged_without_writes(
    tmp_path: Path,
) -> None:
    repo = _repository(tmp_path)
    with Sandbox(port=0) as sandbox:
        sandbox.add_fault(
            Fault(
                method="POST",
                path="/rest/3/app-software/*/versions",
                action="status",
                status=400,
                detail=NOTES_REJECTED,
            )
        )
        first = act_against(repo, "e2e.yml", sandbox, tmp_path)
        state = sandbox.state()
        sandbox.clear_journal()
        rerun = act_against(repo, "e2e-rerun.yml", sandbox, tmp_path)
        journal = sandbox.journal()

    line = next(
        n
        for n, text in enumerate((repo / "app" / "release.yml").read_text().splitlines(), 1)
        if text.startswith("  notes_file:")
    )
    annotations = [x for x in first.splitlines() if "::error " in x]
    assert any(
        f"file=app/release.yml,line={line}," in a and "changelog.releaseNotes" in a
        for a in annotations
    ), annotations
    assert "outputs: first=failed result=created build=2004000 artifact=" in first
    api_url = re.search(r" api=(\S+) old=(\S+) page=\[(.*)\]", first)
    assert api_url, first[-3000:]
    assert api_url[1].startswith(sandbox.url + "/rest/3/app-software/"), api_url[1]
    assert api_url[2] == api_url[1]  # the deprecated alias still answers
    assert api_url[3] == ""  # a sandbox has no page on marketplace.atlassian.com
    assert "Summary - " in first and "sha512" in first
    assert any(
        a["appKey"] == "com.example.timesheets" and 2004000 in a["versions"]
        for a in state["apps"].values()
    )
    assert "Cache saved with key: mpac-publisher-state-v1-" in first
    # Attested (the stand-in in place of actions/attest-build-provenance): output and receipt.
    attested = re.search(r"attestation=(\S+) receipt=(\S+)", first)
    assert attested and attested[1] == attested[2], first[-3000:]
    assert re.fullmatch(r"https://\S+/attestations/\d+", attested[1]), attested[1]

    # The second run: a fresh state-dir filled from the cache, nothing written to Marketplace.
    assert "dry-run must be true or false" in rerun and "not 'ture'" in rerun
    assert "rerun: typo=failure result=unchanged" in rerun
    assert "stand-in setup-python: " in rerun
    # No id-token permission in this job: not attested, one warning, and the job is green.
    assert "stand-in attest" not in rerun
    assert "this job cannot request an OIDC token (no id-token: write)" in rerun
    restored = re.search(r"Cache restored from key: (mpac-publisher-state-v1-\S+)", rerun)
    assert restored and "com.example.timesheets-datacenter-" in restored[1], rerun[-3000:]
    ledger = json.loads((tmp_path / "state" / "first" / "uploads.json").read_text())
    assert json.loads((tmp_path / "state" / "rerun" / "uploads.json").read_text()) == ledger
    assert not (tmp_path / "state" / "typo").exists()  # refused before anything ran
    assert journal, "the rerun read nothing: it did not reach the sandbox"
    assert [e for e in journal if e["method"] in WRITES] == []
