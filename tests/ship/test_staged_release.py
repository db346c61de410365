"""examples/.github/workflows/staged-release.yml (#23), run by `act` offline against the sandbox
Marketplace: a v2.4.0 tag -> the `stage` job publishes with the listing PRIVATE and keeps the
receipt as a workflow artifact -> the `promote` job (behind the `marketplace` environment, whose
required reviewers are GitHub's gate, not act's) gets that receipt and makes the version PUBLIC.

Replaced, and only that: `uses: mpac-publisher/mpac-publisher@<pin>` is served from a copy of this
checkout's tool (test_examples.py fails while the pinned commit's tool differs from HEAD's, so the
two are the same tool once the pin is refreshed), the action's nested actions/cache and
actions/setup-python and the example's upload/download-artifact are the stand-ins in standins/,
`./mvnw` is a script that leaves examples/target's jar in place, and each mpac-publisher step gets
`api-url:` pointing at the sandbox (the example uses Marketplace's default).
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from publisher.sandbox import Sandbox, SandboxSettings
from tests.ship.actrun import RUNNER, finished, needs_act, run_act, stand_ins
from tests.ship.toolcopy import copy_tool
from tests.support.publisher import SPACING, Release, listings

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).parent
WORKFLOW = ".github/workflows/staged-release.yml"
OURS = re.compile(r"^( +)uses: (mpac-publisher/mpac-publisher@[0-9a-f]{40}).*\n\1with:\n", re.M)
ARTIFACTS = re.compile(r"uses: (actions/(?:upload|download)-artifact@[0-9a-f]{40})")


def _repository(tmp: Path, name: str = WORKFLOW, steps: int = 2) -> tuple[Release, list[str]]:
    """The vendor's repository (examples/ with the workflow) and act's --local-repository list."""
    release = Release(tmp / "repo")
    workflow = release.root / name
    text = workflow.read_text()
    pins = {m[2] for m in OURS.finditer(text)}
    assert len(pins) == 1 and len(OURS.findall(text)) == steps, pins
    text = OURS.sub(lambda m: m[0] + f"{m[1]}  api-url: ${{{{ env.SANDBOX_URL }}}}\n", text)
    workflow.write_text(text)
    mvnw = release.root / "mvnw"
    mvnw.write_text('#!/bin/sh\ntest -f target/timesheets-2.4.0.jar && echo "stand-in mvnw"\n')
    mvnw.chmod(0o755)
    for argv in (
        ["init", "-q", "-b", "main"],
        ["add", "-A"],
        ["-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "x"],
    ):
        subprocess.run(["git", *argv], cwd=release.root, check=True, timeout=60)
    tool = copy_tool(tmp / "tool")
    (pin,) = pins
    served = ["--local-repository", f"{pin}={tool}"]
    for action in sorted(set(ARTIFACTS.findall(text))):
        stand_in = HERE / "standins" / action.split("/")[1].split("@")[0]
        served += ["--local-repository", f"{action}={stand_in}"]
    return release, served + stand_ins()


def _act(
    release: Release,
    served: list[str],
    sandbox: Sandbox,
    tmp: Path,
    *more: str,
    name: str = WORKFLOW,
    trigger: str = "push",
) -> str:
    user, token = sandbox.credentials
    (tmp / "artifacts").mkdir(parents=True)
    event = tmp / "event.json"
    event.write_text(json.dumps({"ref": "refs/tags/v2.4.0", "ref_name": "v2.4.0"}))
    done = run_act(
        trigger,
        name,
        release.root,
        tmp,
        payload=event,
        env={
            "SANDBOX_URL": sandbox.url,
            "MPAC_UPLOAD_SPACING": str(SPACING),
            "STANDIN_ARTIFACT_DIR": str(tmp / "artifacts"),
            "STANDIN_CACHE_DIR": str(tmp / "runner-cache"),
            **RUNNER,
        },
        secrets={"MPAC_USER": user, "MPAC_TOKEN": token},
        more=[*served, *more],
        timeout=600,
    )
    return finished(done, tmp / "act.log", token)


@pytest.mark.slow
@pytest.mark.timeout(900)
@needs_act
def test_a_tag_stages_the_version_private_and_promote_makes_it_public_from_the_kept_receipt(
    tmp_path: Path,
) -> None:
    release, served = _repository(tmp_path)
    with Sandbox(settings=SandboxSettings(upload_spacing=SPACING), port=0) as sandbox:
        log = _act(release, served, sandbox, tmp_path)
        live = listings(sandbox.state())

    assert re.search(r"\[Marketplace staged release/stage *\] 🏁  Job succeeded", log)
    assert re.search(r"\[Marketplace staged release/promote *\] 🏁  Job succeeded", log)
    receipt = json.loads(
        (tmp_path / "artifacts" / "marketplace-receipt" / "receipt.json").read_text()
    )
    assert receipt["build"] == 2004000
    assert [h["listing_state"] for h in receipt["hostings"]] == ["PRIVATE"]  # staged
    assert "stand-in download-artifact: marketplace-receipt -> " in log
    assert live[2004000]["state"] == "PUBLIC"  # promoted, from the receipt the stage job kept
    assert "Marketplace promote: promoted" in log
