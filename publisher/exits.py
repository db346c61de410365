"""Every way out of the process ends the same way: an exit code, and with `--json` one document.

SIGINT and SIGTERM become exceptions (KeyboardInterrupt, Terminated) so a run stops cleanly,
reports what it did, and exits 130 or 143; requests in flight beside it are cut within
concurrency.GRACE seconds (publisher.concurrency), not waited for. Once a run's result document
is out, the result is final: a signal arriving after it is ignored rather than contradicting it.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator, Sequence
from types import FrameType

from publisher.errors import ExitCode, PublisherError
from publisher.outcome import RunReport

INTERRUPT_ADVICE = "re-run the same command to finish: completed steps are kept"
CUT_ADVICE = (
    "re-run the same command to finish: completed steps are kept, the live versions and listings "
    "are read again before anything is written, and uploads without a record are sent again"
)


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C (a KeyboardInterrupt) but ending with exit code 143."""


class StoppedError(PublisherError):
    """The run was stopped by a signal; `exit_code` is 130 (SIGINT) or 143 (SIGTERM)."""

    title = "interrupted"

    def __init__(self, interrupt: KeyboardInterrupt, cut: Sequence[str] = ()) -> None:
        terminated = isinstance(interrupt, Terminated)
        name = "SIGTERM" if terminated else "SIGINT (Ctrl-C)"
        message = f"interrupted by {name}"
        if cut:  # named, so a reader knows what may have reached Marketplace
            message += f"; cut in flight, so they may have reached Marketplace: {', '.join(cut)}"
        super().__init__(message, advice=INTERRUPT_ADVICE if not cut else CUT_ADVICE)
        self.exit_code = ExitCode.TERMINATED if terminated else ExitCode.INTERRUPTED


class Signals:
    """SIGINT/SIGTERM handlers for one run; `settle()` once the result document is written."""

    def __init__(self) -> None:
        self.settled = False
        self.late: list[int] = []  # signals that came after the result was final

    def handle(self, signum: int, frame: FrameType | None) -> None:
        if self.settled:
            self.late.append(signum)
            return
        raise Terminated() if signum == signal.SIGTERM else KeyboardInterrupt()

    def settle(self) -> None:
        self.settled = True

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        """In the main thread only (Python delivers signals there); restores the old handlers."""
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        wanted = [
            s for s in (signal.SIGINT, signal.SIGTERM) if signal.getsignal(s) != signal.SIG_IGN
        ]
        previous = {s: signal.signal(s, self.handle) for s in wanted}  # an ignored one stays so
        try:
            yield
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)


def exit_code_of(exc: BaseException) -> ExitCode:
    if isinstance(exc, PublisherError):
        return exc.exit_code
    if isinstance(exc, KeyboardInterrupt):
        return StoppedError(exc).exit_code
    return ExitCode.UNEXPECTED


def last_report(command: str, config: str, exc: BaseException) -> RunReport:
    """The result document of a run that ended before it could report itself."""
    code = exit_code_of(exc)
    if isinstance(exc, KeyboardInterrupt):
        stopped = StoppedError(exc)
        return RunReport(
            command, config, "interrupted", int(code), error=stopped.message, advice=stopped.advice
        )
    if isinstance(exc, PublisherError):
        return RunReport(command, config, "failed", int(code), error=exc.message, advice=exc.advice)
    return RunReport(
        command,
        config,
        "failed",
        int(code),
        error=f"unexpected error: {type(exc).__name__}: {exc}",
        advice="this is a bug; please report it (set MPAC_DEBUG=1 for the traceback)",
    )


def wants_json(argv: Sequence[str]) -> bool:
    """`--json` (or an abbreviation argparse accepts) before any `--`."""
    for arg in argv:
        if arg == "--":
            return False
        if len(arg) >= 3 and "--json".startswith(arg):
            return True
    return False


def command_of(argv: Sequence[str]) -> str:
    return next((a for a in argv if not a.startswith("-")), "")
