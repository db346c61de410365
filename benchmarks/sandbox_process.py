"""The sandbox in its own process, for benchmarks: it must not share a GIL with the client (or a
proxy) being measured."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_SERVER = """
from publisher.sandbox import Sandbox, SandboxSettings
settings = SandboxSettings(upload_spacing=0.0, budget_bytes=10**13)
sandbox = Sandbox(settings=settings, port=0)
user, token = sandbox.credentials
print(sandbox.url, user, token, flush=True)
sandbox.serve_forever()
"""


@contextlib.contextmanager
def sandbox_process() -> Iterator[tuple[str, str, str]]:
    """(url, user, token) of a sandbox with no upload spacing and an unlimited budget."""
    process = subprocess.Popen(
        [sys.executable, "-c", _SERVER], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    try:
        assert process.stdout is not None
        url, user, token = process.stdout.readline().split()
        yield url, user, token
    finally:
        process.terminate()
        process.wait(timeout=10)
