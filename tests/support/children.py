"""Child processes a test interrupts: SIGINT at its default in the child, as in a terminal.

A shell without job control starts a background job with SIGINT ignored, and children inherit
that (Python then installs no KeyboardInterrupt handler), so a test that sends Ctrl-C to a child
would fail whenever the suite itself runs in the background (`scripts/test &`, some CI agents).
"""

from __future__ import annotations

import signal
import subprocess
from typing import Any


def interruptible() -> None:
    """`preexec_fn` for a child a test sends SIGINT: the default action, whatever we inherited."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def spawn(argv: list[str], **options: Any) -> subprocess.Popen[str]:
    """`subprocess.Popen(argv, text=True, **options)` with SIGINT at its default in the child."""
    return subprocess.Popen(argv, text=True, preexec_fn=interruptible, **options)
