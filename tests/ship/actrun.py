"""What every act test checks of a finished run: the log kept beside the test for a post-mortem,
a green exit, and the token on no line but act's own `::add-mask::`."""

from __future__ import annotations

import subprocess
from pathlib import Path


def finished(done: subprocess.CompletedProcess[str], log_file: Path, token: str) -> str:
    """The run's log, after checking it ended green without printing the token."""
    log = done.stdout + done.stderr
    log_file.write_text(log)
    assert done.returncode == 0, log[-6000:]
    leaked = [x for x in log.splitlines() if token in x and "add-mask" not in x]
    assert not leaked, leaked[:3]
    return log
