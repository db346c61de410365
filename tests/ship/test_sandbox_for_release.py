"""`mpac-publisher sandbox --for release.yml`: rehearse your own app without writing a seed. The
sandbox gets the app key, its hostings and the host product versions named in compatibility
(even ones newer than its bundled catalogue), and prints an export line to paste."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from publisher.commands.rehearsal import rehearsal_seed
from publisher.sandbox import Sandbox
from tests.support.artifacts import jar_bytes
from tests.support.children import spawn

ROOT = Path(__file__).resolve().parents[2]
TOOL = str(Path(sys.executable).parent / "mpac-publisher")


def _own_release(tmp: Path) -> Path:
    """The example, as another vendor's app on two hostings, compatible up to Jira 10.8.0 (newer
    than the sandbox's catalogue) and from build 912000 (a build number, not a version)."""
    shutil.copytree(ROOT / "examples", tmp / "app", ignore=shutil.ignore_patterns(".*"))
    config = tmp / "app" / "release.yml"
    text = config.read_text()
    for old, new in (
        ("app: com.example.timesheets", "app: com.acme.timesheets"),
        ("hosting: datacenter", "hosting: [datacenter, server]"),
        ("min: 9.12.0", "min: 912000"),
        ("max: 10.3.0", "max: 10.8.0"),
    ):
        assert old in text
        text = text.replace(old, new)
    config.write_text(text)
    # The artifact's own key must match the app key.
    (tmp / "app" / "target" / "timesheets-2.4.0.jar").write_bytes(jar_bytes("com.acme.timesheets"))
    return config


def test_the_seed_names_the_app_its_hostings_and_the_compatible_product_versions(
    tmp_path: Path,
) -> None:
    seed = rehearsal_seed(_own_release(tmp_path), {})
    assert seed["accounts"][0]["apps"] == [
        {"key": "com.acme.timesheets", "hosting": ["datacenter", "server"]}
    ]
    assert seed["products"] == [{"product": "jira", "versions": [912000, "10.8.0"]}]
    with Sandbox(seed=seed) as sandbox:  # the sandbox takes it as it is
        assert sandbox.credentials == ("demo@example.com", "sandbox-demo-token")


def test_sandbox_for_a_release_lets_that_release_publish_with_the_printed_exports(
    tmp_path: Path,
) -> None:
    config = _own_release(tmp_path)
    process = spawn(
        [TOOL, "sandbox", "--port", "0", "--for", str(config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        banner = [process.stdout.readline() for _ in range(6)]
        (export,) = [line.strip() for line in banner if line.strip().startswith("export ")]
        env = dict(pair.split("=", 1) for pair in export.removeprefix("export ").split())
        assert set(env) == {"MPAC_API_URL", "MPAC_USER", "MPAC_TOKEN"}
        done = subprocess.run(
            [TOOL, "publish", str(config)],
            env={"PATH": "/usr/bin:/bin", "MPAC_STATE_DIR": str(tmp_path / "state"), **env},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert done.returncode == 0, done.stdout + done.stderr
    assert "created" in done.stdout


def test_sandbox_for_an_invalid_release_says_where_and_exits_3(tmp_path: Path) -> None:
    config = tmp_path / "release.yml"
    config.write_text("app: com.acme.x\nhosting: moon\n")
    done = subprocess.run(
        [TOOL, "sandbox", "--port", "0", "--for", str(config)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 3
    assert f"{config}:2:" in done.stderr and "is invalid: fix it first" in done.stderr


@pytest.mark.parametrize("other", ["--seed"])
def test_for_and_seed_cannot_be_combined(tmp_path: Path, other: str) -> None:
    done = subprocess.run(
        [TOOL, "sandbox", "--for", "release.yml", other, "seed.yml"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2 and "not allowed with argument" in done.stderr
