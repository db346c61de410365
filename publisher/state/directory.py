"""The state directory (MPAC_STATE_DIR): small JSON files shared by runs on this machine.

Rules: the directory is checked (created, a probe file written, fsynced and removed) before the
first write to Marketplace, so an unusable one stops the run with exit 9 before anything is sent;
every file is written atomically (a temp file, fsync, rename); a file that cannot be read or has
the wrong shape is treated as absent, with a warning (state is an optimisation, never the truth).
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from publisher.errors import ExitCode, PublisherError, UsageError

if sys.platform != "win32":  # Windows has no fcntl: see README "Platforms"
    import fcntl

WINDOWS_UNSUPPORTED = (
    "mpac-publisher cannot lock its state directory on Windows (it needs POSIX fcntl locks)"
)

Warn = Callable[[str], None]
_PROBE = b"mpac-publisher state directory probe: a run checks it can write here\n" * 2

_STATE_ADVICE = (
    "set MPAC_STATE_DIR to a writable directory on a disk with free space "
    "(it holds the upload ledger and the resume journal)"
)


class StateDirError(PublisherError):
    """The state directory cannot be used: not a directory, read-only, or full."""

    exit_code = ExitCode.STATE_DIR
    title = "state directory"


def ignore(message: str) -> None:
    """A Warn that drops the message (library use without output)."""


def state_dir(env: Mapping[str, str]) -> Path:
    """MPAC_STATE_DIR, else $XDG_CACHE_HOME/mpac-publisher, else ~/.cache/mpac-publisher."""
    given = env.get("MPAC_STATE_DIR")
    if given:
        return Path(given).expanduser()
    cache = env.get("XDG_CACHE_HOME") or str(Path(env.get("HOME") or Path.home()) / ".cache")
    return Path(cache) / "mpac-publisher"


def unusable(path: Path, exc: OSError) -> StateDirError:
    """The error for a failed state-dir operation, saying which of the usual causes it is."""
    why = {
        errno.ENOTDIR: "a path component is a file, not a directory",
        errno.EEXIST: "it exists and is not a directory",
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
        errno.EROFS: "the file system is read-only",
        errno.ENOSPC: "the disk is full",
        errno.EDQUOT: "the disk quota is exhausted",
        errno.EFBIG: "the file system refused the write (file size limit)",
    }.get(exc.errno or 0, exc.strerror or str(exc))
    return StateDirError(f"the state directory cannot be used: {path}: {why}", advice=_STATE_ADVICE)


def check_state_dir(directory: Path) -> None:
    """Create the directory and prove a file can be written, synced and removed there."""
    probe = directory / f".probe-{os.getpid()}"
    try:
        if directory.exists() and not directory.is_dir():
            raise FileExistsError(errno.EEXIST, "not a directory", str(directory))
        directory.mkdir(parents=True, exist_ok=True)
        with open(probe, "wb") as out:  # buffered: a short write is continued, then fails
            out.write(_PROBE)
            out.flush()
            os.fsync(out.fileno())
        probe.unlink()
    except OSError as exc:
        with contextlib.suppress(OSError):
            probe.unlink()
        raise unusable(directory, exc) from exc


def read_json(path: Path, warn: Warn = ignore) -> dict[str, Any]:
    """The document, or {} when the file is missing; {} and a warning when it is unreadable."""
    try:
        text = path.read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):  # no state yet (or no dir: checked later)
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        warn(f"ignoring state file {path}: it cannot be read ({exc})")
        return {}
    try:
        data = json.loads(text)
    except ValueError as exc:
        warn(f"ignoring state file {path}: it is not valid JSON ({exc})")
        return {}
    if not isinstance(data, dict):
        warn(f"ignoring state file {path}: expected a JSON object, found {type(data).__name__}")
        return {}
    return data


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Atomically (temp file, fsync, rename): a crash never leaves a half-written file behind.
    A failure is a StateDirError (exit 9), never a traceback."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise unusable(path.parent, exc) from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(data, out, indent=1, sort_keys=True)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise unusable(path, exc) from exc
        raise


@contextlib.contextmanager
def locked(path: Path, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """An exclusive lock between processes of this machine (held while the body runs).
    `on_wait` is called when another process holds it (before waiting for it)."""
    if sys.platform == "win32":
        raise UsageError(WINDOWS_UNSUPPORTED, advice="run it in WSL, or use the Docker image")
    lock = path.with_suffix(path.suffix + ".lock")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(lock, "a+")  # noqa: SIM115 -- closed below, after the unlock
    except OSError as exc:
        raise unusable(lock, exc) from exc
    with handle:
        try:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if on_wait is not None:
                    on_wait()
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        except OSError as exc:  # e.g. a network file system without locks (ENOLCK)
            raise unusable(lock, exc) from exc
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
