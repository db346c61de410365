"""`publish --sandbox` ends with "published" like a real publish; its last words say that it was a
rehearsal against a local sandbox, so nobody reads a rehearsal's log as a release. A real publish
(against a sandbox the test starts, as any API root) says nothing of the kind."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from publisher.sandbox import Sandbox

ROOT = Path(__file__).resolve().parents[2]
RELEASE = ROOT / "examples" / "release.yml"


def _publish(tmp: Path, *options: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("MPAC_", "GITHUB_"))}
    return subprocess.run(
        [sys.executable, "-m", "publisher", "publish", *options, str(RELEASE)],
        env={**clean, "MPAC_STATE_DIR": str(tmp / "state"), **env},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def test_a_sandbox_publish_says_it_was_a_rehearsal(tmp_path: Path) -> None:
    done = _publish(tmp_path, "--sandbox")
    assert done.returncode == 0, done.stdout + done.stderr
    last = done.stderr.rstrip().splitlines()[-1]
    assert "a rehearsal" in last and "nothing was sent to Atlassian Marketplace" in last, last


def test_a_publish_to_an_api_root_is_not_called_a_rehearsal(tmp_path: Path) -> None:
    with Sandbox(port=0) as sandbox:
        user, token = sandbox.credentials
        done = _publish(tmp_path, MPAC_API_URL=sandbox.url, MPAC_USER=user, MPAC_TOKEN=token)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "rehearsal" not in done.stdout + done.stderr
