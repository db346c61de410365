"""Locks between runs on this machine, waited for with a bound and a word about the holder.

A lock is an flock on a file next to the state file it guards (`uploads.json.lock`). Its holder
writes who it is (pid, host, since when) into it, so a run that finds it taken can say whose it
is. flock is released when its holder dies, so a lock that stays taken means a live process,
maybe a stuck one: the wait ends at the run's deadline (MPAC_RUN_DEADLINE, else an hour) with a
StateDirError (exit 9) naming the holder, never silently past it.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from publisher.errors import UsageError
from publisher.state.entries import open_lock
from publisher.state.errors import StateDirError

if sys.platform != "win32":  # Windows has no fcntl: see README "Platforms"
    import fcntl

WINDOWS_UNSUPPORTED = (
    "mpac-publisher cannot lock its state directory on Windows (it needs POSIX fcntl locks)"
)
DEFAULT_WAIT_SECONDS = 3600.0  # MPAC_RUN_DEADLINE's default: no lock wait outlasts a run
POLL_SECONDS = 0.25
_HOLDER_BYTES = 512
_registry = threading.Lock()
_turns: dict[str, threading.Lock] = {}  # lock file -> the turn of this process's threads


def _say_nothing(message: str) -> None:
    """The default `notify`: library use without output."""


@dataclass(frozen=True)
class LockWait:
    """How long a run waits for a lock another process holds, and how it tells the user."""

    ends: float | None = None  # a clock() time: the run's deadline; None: DEFAULT_WAIT_SECONDS
    clock: Callable[[], float] = time.time
    sleep: Callable[[float], None] = time.sleep
    notify: Callable[[str], None] = field(default=_say_nothing)

    def seconds_left(self) -> float:
        if self.ends is None:
            return DEFAULT_WAIT_SECONDS
        return max(0.0, self.ends - self.clock())


WAIT_UP_TO_AN_HOUR = LockWait()  # the default: DEFAULT_WAIT_SECONDS from when a wait begins


@contextlib.contextmanager
def locked(
    path: Path, root: Path | None = None, wait: LockWait = WAIT_UP_TO_AN_HOUR
) -> Iterator[bool]:
    """Hold an exclusive lock on `path` + ".lock" (`root`: the state directory, default its
    folder) while the body runs; yields whether another process held it first."""
    if sys.platform == "win32":
        raise UsageError(WINDOWS_UNSUPPORTED, advice="run it in WSL, or use the Docker image")
    lock = path.with_name(path.name + ".lock")
    with _among_threads(lock, wait):
        fd = open_lock(lock, path.parent if root is None else root)
        try:
            waited = _acquire(fd, lock, wait)
            try:
                _write_holder(fd, wait.clock())
                yield waited
            finally:
                with contextlib.suppress(OSError):
                    os.ftruncate(fd, 0)  # a stale record must not name a process that let go
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)


@contextlib.contextmanager
def _among_threads(lock: Path, wait: LockWait) -> Iterator[None]:
    """This process's threads take turns first: flock is per open file, so two threads of one
    run would otherwise wait on each other as if on another process (and say so)."""
    with _registry:
        turn = _turns.setdefault(str(lock), threading.Lock())
    if not turn.acquire(timeout=max(wait.seconds_left(), 0.001)):
        raise StateDirError(lock, "still held by this run's other work at the run's deadline")
    try:
        yield
    finally:
        turn.release()


def _acquire(fd: int, lock: Path, wait: LockWait) -> bool:
    """Take the lock; False at once when it is free, True after waiting for its holder."""
    if _try(fd, lock):
        return False
    seconds = wait.seconds_left()
    ends = wait.clock() + seconds
    wait.notify(f"{lock} is held by {_holder(fd)}; waiting for it (at most {_seconds(seconds)})")
    for _ in range(math.ceil(seconds / POLL_SECONDS) + 2):  # bounded even if the clock stops
        left = ends - wait.clock()
        if left <= 0:
            break
        wait.sleep(min(POLL_SECONDS, left))
        if _try(fd, lock):
            return True
    raise StateDirError(
        lock,
        f"still held by {_holder(fd)} after waiting {_seconds(seconds)}, the run's deadline",
        advice="if that process is stuck, stop it, then re-run: completed steps are kept "
        "(MPAC_RUN_DEADLINE bounds the wait)",
    )


def _try(fd: int, lock: Path) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    except OSError as exc:  # e.g. a network file system without locks (ENOLCK)
        raise StateDirError(lock, f"it cannot be locked ({exc.strerror or exc})") from exc
    return True


def _write_holder(fd: int, now: float) -> None:
    record = {"pid": os.getpid(), "host": os.uname().nodename, "since": now}
    with contextlib.suppress(OSError):  # the record only explains a wait: never fatal
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(record).encode(), 0)


def _holder(fd: int) -> str:
    """Who holds the lock, as its holder recorded it ("pid 4242 on ci-7 since 08:41:07 UTC")."""
    try:
        record = json.loads(os.pread(fd, _HOLDER_BYTES, 0))
        pid, host, since = int(record["pid"]), str(record["host"]), float(record["since"])
        when = time.strftime("%H:%M:%S UTC", time.gmtime(since))
    except (OSError, ValueError, TypeError, KeyError, OverflowError):
        return "another process (it recorded no pid)"
    return f"pid {pid} on {host[:64]!r} since {when}"


def _seconds(value: float) -> str:
    return f"{value:.1f} s" if value < 10 else f"{value:.0f} s"
