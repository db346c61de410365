"""Peak resident memory of `mpac-publisher publish` with big artifacts, next to a naive upload.

For each size it generates a valid plugin jar (atlassian-plugin.xml plus a large stored entry of
random bytes), starts a sandbox Marketplace, and measures the peak RSS (ru_maxrss) of:
  - `mpac-publisher publish` (streaming multipart, sha512 during the same read), and
  - a plain `requests.post(files=...)` upload of the same file (builds the body in memory).
Each measurement runs in a fresh wrapper process, so the figure is that child's alone.

Usage: python benchmarks/publish_memory.py [--sizes 50 200]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_MEASURE = """
import resource, subprocess, sys
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE).returncode
print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""

_NAIVE = """
import sys, requests
url, user, token, path = sys.argv[1:5]
with open(path, "rb") as f:
    r = requests.post(url + "/rest/3/artifacts", files={"file": (path, f)}, auth=(user, token))
sys.exit(0 if r.status_code == 200 else 1)
"""


def make_jar(
    path: Path, size_mb: float, version: str = "2.4.0", key: str = "com.example.timesheets"
) -> Path:
    descriptor = (
        f'<atlassian-plugin key="{key}" name="Timesheets" plugins-version="2">'
        f"<plugin-info><version>{version}</version>"
        '<param name="atlassian-data-center-status">compatible</param>'
        "</plugin-info></atlassian-plugin>"
    )
    chunk = os.urandom(1 << 20)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as jar:
        jar.writestr("atlassian-plugin.xml", descriptor)
        with jar.open("lib/payload.bin", "w", force_zip64=True) as entry:
            for _ in range(int(size_mb)):
                entry.write(chunk)
    return path


def peak_kb(argv: list[str], env: dict[str, str]) -> tuple[int, int]:
    out = subprocess.run(
        [sys.executable, "-c", _MEASURE, *argv], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    return int(out[0]), int(out[1])


def measure(size_mb: float, workdir: Path, naive: bool = True) -> dict[str, float]:
    from publisher.sandbox import Sandbox, SandboxSettings

    repo = workdir / f"repo-{size_mb}"
    shutil.copytree(ROOT / "examples", repo)
    (repo / ".git").mkdir()
    make_jar(repo / "target" / "timesheets-2.4.0.jar", size_mb)
    settings = SandboxSettings(upload_spacing=0.0, budget_bytes=10**12)
    with Sandbox(settings=settings, port=0) as sandbox:
        user, token = sandbox.credentials
        env = {
            **os.environ,
            "MPAC_API_URL": sandbox.url,
            "MPAC_USER": user,
            "MPAC_TOKEN": token,
            "MPAC_STATE_DIR": str(workdir / f"state-{size_mb}"),
            "MPAC_UPLOAD_SPACING": "0",
            "MPAC_HTTP_TIMEOUT": "120",
        }
        cli = [sys.executable, "-m", "publisher", "publish", str(repo / "release.yml")]
        code, publish_kb = peak_kb(cli, env)
        if code != 0:
            raise SystemExit(f"publish failed with exit {code}")
        result = {"size_mb": size_mb, "publish_mb": publish_kb / 1024}
        if naive:
            jar = str(repo / "target" / "timesheets-2.4.0.jar")
            code, naive_kb = peak_kb(
                [sys.executable, "-c", _NAIVE, sandbox.url, user, token, jar], env
            )
            result["naive_requests_mb"] = naive_kb / 1024 if code == 0 else float("nan")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=float, nargs="+", default=[50, 200])
    parser.add_argument("--json", action="store_true")
    sizes = parser.parse_args().sizes
    with tempfile.TemporaryDirectory() as tmp:
        rows = [measure(size, Path(tmp)) for size in sizes]
    if "--json" in sys.argv:
        print(json.dumps(rows))
        return
    print(f"{'artifact':>10} {'mpac-publisher publish':>24} {'requests files= (naive)':>24}")
    for row in rows:
        print(
            f"{row['size_mb']:>7.0f} MB {row['publish_mb']:>20.1f} MB "
            f"{row.get('naive_requests_mb', float('nan')):>20.1f} MB"
        )


if __name__ == "__main__":
    main()
