"""serve(): the foreground runner behind `mpac-publisher sandbox`."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from pathlib import Path

import requests

from tests.support.api import TIMEOUT
from tests.support.children import spawn

SCRIPT = (
    "import sys; from publisher.sandbox import serve; "
    "sys.exit(serve(port=0, seed=sys.argv[1] or None))"
)


def run(seed: str = "") -> subprocess.Popen[str]:
    return spawn(
        [sys.executable, "-c", SCRIPT, seed], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


def test_serve_prints_url_and_credentials_and_stops_on_ctrl_c() -> None:
    process = run()
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        match = re.search(r"listening on (http://127\.0\.0\.1:\d+)", first)
        assert match, first
        url = match.group(1)
        banner = "".join(process.stdout.readline() for _ in range(4))
        assert "demo@example.com / sandbox-demo-token" in banner
        assert f"{url}/_sandbox/" in banner
        response = requests.get(
            url + "/rest/3/parent-software",
            auth=("demo@example.com", "sandbox-demo-token"),
            timeout=TIMEOUT,
        )
        assert response.status_code == 200
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, err
    assert "sandbox stopped" in out
    assert "Traceback" not in err


def test_serve_with_a_seed_file(tmp_path: Path) -> None:
    seed = tmp_path / "seed.yml"
    seed.write_text("accounts: [{email: me@x.test, token: tok, apps: [{key: io.x}]}]\n")
    process = run(str(seed))
    try:
        assert process.stdout is not None
        process.stdout.readline()
        assert "me@x.test / tok" in process.stdout.readline() + process.stdout.readline()
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0
