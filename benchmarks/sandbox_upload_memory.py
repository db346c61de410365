"""How much memory does the sandbox use to receive a large artifact upload?

Starts the sandbox in a subprocess, uploads a generated jar (a valid plugin with one large stored
random entry) streamed by requests_toolbelt's MultipartEncoder, and reports the server's resident
memory from /proc/<pid>/status before and after (VmRSS, and VmHWM = peak RSS). The upload must
stream: the peak growth must stay under --max-growth-mb (default 50).

    .venv/bin/python benchmarks/sandbox_upload_memory.py [--size-mb 200]
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import requests
from requests_toolbelt import MultipartEncoder

PLUGIN_XML = (
    '<atlassian-plugin key="com.example.timesheets" name="Timesheets" plugins-version="2">'
    "<plugin-info><version>9.9.9</version></plugin-info></atlassian-plugin>"
)
CREDENTIALS = ("demo@example.com", "sandbox-demo-token")


def generate_jar(path: Path, size: int) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as jar:
        jar.writestr("atlassian-plugin.xml", PLUGIN_XML)
        with jar.open(zipfile.ZipInfo("filler.bin"), "w", force_zip64=True) as entry:
            left = size
            while left > 0:
                chunk = os.urandom(min(left, 1 << 20))
                entry.write(chunk)
                left -= len(chunk)


def memory_kb(pid: int) -> dict[str, int]:
    status = Path(f"/proc/{pid}/status").read_text()
    return {
        k: int(re.search(rf"^{k}:\s+(\d+) kB", status, re.M).group(1)) for k in ("VmRSS", "VmHWM")
    }  # type: ignore[union-attr]


def start_sandbox(max_bytes: int) -> tuple[subprocess.Popen[str], str]:
    code = (
        "from publisher.sandbox import serve, SandboxSettings; "
        f"serve(port=0, settings=SandboxSettings(upload_spacing=0, max_artifact_bytes={max_bytes}))"
    )
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    line = process.stdout.readline()
    match = re.search(r"(http://127\.0\.0\.1:\d+)", line)
    if not match:
        process.kill()
        raise SystemExit(f"sandbox did not start: {line!r}")
    return process, match.group(1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=200.0, help="artifact size (default 200)")
    parser.add_argument("--max-growth-mb", type=float, default=50.0, help="fail above this growth")
    args = parser.parse_args()
    size = int(args.size_mb * 1_000_000)
    with tempfile.TemporaryDirectory(prefix="sandbox-bench-") as tmp:
        jar = Path(tmp) / "big.jar"
        started = time.monotonic()
        generate_jar(jar, size)
        print(
            f"generated {jar.stat().st_size / 1e6:.1f} MB jar in {time.monotonic() - started:.1f}s"
        )
        process, url = start_sandbox(max(250_000_000, jar.stat().st_size + 1_000_000))
        try:
            time.sleep(0.5)  # let the interpreter settle
            before = memory_kb(process.pid)
            started = time.monotonic()
            with jar.open("rb") as handle:
                encoder = MultipartEncoder(
                    fields={"file": ("big.jar", handle, "application/java-archive")}
                )
                response = requests.post(
                    url + "/rest/3/artifacts",
                    data=encoder,
                    headers={"Content-Type": encoder.content_type},
                    auth=CREDENTIALS,
                    timeout=600,
                )
            elapsed = time.monotonic() - started
            after = memory_kb(process.pid)
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
    if response.status_code != 200:
        print(f"upload failed: {response.status_code} {response.text[:300]}")
        return 1
    growth_mb = (after["VmHWM"] - before["VmRSS"]) / 1024
    uploaded = response.json()["fileInfo"]["size"] / 1e6
    print(f"uploaded {uploaded:.1f} MB in {elapsed:.1f}s ({uploaded / elapsed:.0f} MB/s)")
    rss_before, rss_after, peak = (
        v / 1024 for v in (before["VmRSS"], after["VmRSS"], after["VmHWM"])
    )
    print(
        f"sandbox RSS before: {rss_before:.1f} MB; after: {rss_after:.1f} MB; peak: {peak:.1f} MB"
    )
    print(
        f"peak RSS growth during the upload: {growth_mb:.1f} MB (limit {args.max_growth_mb:g} MB)"
    )
    return 0 if growth_mb < args.max_growth_mb else 1


if __name__ == "__main__":
    sys.exit(main())
