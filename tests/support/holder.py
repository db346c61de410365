"""A child process that holds a state-directory lock until the test lets it go: the test waits
on the line the child prints once it holds the lock (bounded), never on a guess about timing."""

from __future__ import annotations

import contextlib
import os
import select
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HOLD = """
import sys
from pathlib import Path
from publisher.state.lock import locked
with locked(Path(sys.argv[1])):
    print("held", flush=True)
    sys.stdin.read()  # until the test closes stdin (or dies): bounded by the test's timeout
"""


@contextlib.contextmanager
def holder_of(path: Path) -> Iterator[subprocess.Popen[str]]:
    """A child process holding the lock of the state file `path` until `release` (or the end)."""
    child = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert child.stdout is not None
        ready, _, _ = select.select([child.stdout], [], [], 30)
        assert ready and child.stdout.readline() == "held\n", "the child did not take the lock"
        yield child
    finally:
        release(child)


def release(child: subprocess.Popen[str]) -> None:
    """Let the child go and wait (bounded) until it has: the lock is free afterwards."""
    if child.stdin is not None and not child.stdin.closed:
        child.stdin.close()
    child.wait(timeout=30)
