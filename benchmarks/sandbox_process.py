"""The sandbox in its own process, for benchmarks: it must not share a GIL with the client (or a
proxy) being measured. On terminate it stops, so its workdir (every artifact uploaded) goes."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_SERVER = """
import signal, sys
from publisher.sandbox import Sandbox, SandboxSettings
settings = SandboxSettings(upload_spacing=0.0, budget_bytes=10**13)
sandbox = Sandbox(settings=settings, port=0)
user, token = sandbox.credentials
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # run the finally: a GB per upload round
print(sandbox.url, user, token, flush=True)
try:
    sandbox.serve_forever()
finally:
    sandbox.stop()
"""


@contextlib.contextmanager
def sandbox_process(
    started: list[subprocess.Popen[str]] | None = None,
) -> Iterator[tuple[str, str, str]]:
    """(url, user, token) of a sandbox with no upload spacing and an unlimited budget; its
    process is appended to `started` (to read its CPU time, say)."""
    process = subprocess.Popen(
        [sys.executable, "-c", _SERVER], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    if started is not None:
        started.append(process)
    try:
        assert process.stdout is not None
        url, user, token = process.stdout.readline().split()
        yield url, user, token
    finally:
        process.terminate()
        process.wait(timeout=10)
