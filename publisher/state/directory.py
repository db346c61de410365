"""The state directory (MPAC_STATE_DIR): small JSON files shared by runs on this machine.

Rules: the directory is checked (created, a probe file written, fsynced and removed, and its
`journal` folder a real directory) before the first write to Marketplace, so an unusable one
stops the run with exit 9 before anything is sent; every file is written atomically (a temp
file, fsync, rename) and read as a regular file only, never through a link (entries.py); a file
that cannot be read or has the wrong shape is treated as absent, with a warning (state is an
optimisation, never the truth).
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import secrets
import stat
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from publisher.files.regular import UnusableFile
from publisher.state.entries import opened_folder, read_bytes, replace_bytes
from publisher.state.errors import StateDirError, unusable

Warn = Callable[[str], None]
JOURNAL_FOLDER = "journal"
_PROBE = b"mpac-publisher state directory probe: a run checks it can write here\n" * 2
_NEW_PROBE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)


def ignore(message: str) -> None:
    """A Warn that drops the message (library use without output)."""


def state_dir(env: Mapping[str, str]) -> Path:
    """MPAC_STATE_DIR, else $XDG_CACHE_HOME/mpac-publisher, else ~/.cache/mpac-publisher."""
    given = env.get("MPAC_STATE_DIR")
    if given:
        return Path(given).expanduser()
    cache = env.get("XDG_CACHE_HOME") or str(Path(env.get("HOME") or Path.home()) / ".cache")
    return Path(cache) / "mpac-publisher"


def check_state_dir(directory: Path, warn: Warn = ignore) -> None:
    """Create the directory and prove a file can be written, synced and removed there; its
    journal folder, when present, must be a real directory (not a link out of it). A directory
    every user may write without the sticky bit is a warning: anyone could swap its files."""
    try:
        if directory.exists() and not directory.is_dir():
            raise FileExistsError(errno.EEXIST, "not a directory", str(directory))
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise unusable(directory, exc) from exc
    journal = directory / JOURNAL_FOLDER
    with contextlib.suppress(FileNotFoundError), opened_folder(journal, directory, create=False):
        pass  # a link, a file or a FIFO there: StateDirError
    _probe(directory)
    mode = directory.stat().st_mode
    if mode & stat.S_IWOTH and not mode & stat.S_ISVTX:
        warn(
            f"the state directory {directory} is writable by every user and not sticky: "
            "another user could replace its files; make it 1777 (like /tmp) or 0700"
        )


def _probe(directory: Path) -> None:
    """Write, sync and remove a file of a new name (never opening a planted or left-over one)."""
    probe = directory / f".probe-{os.getpid()}-{secrets.token_hex(4)}"
    try:
        fd = os.open(probe, _NEW_PROBE, 0o600)
    except OSError as exc:
        raise unusable(directory, exc) from exc
    try:
        with os.fdopen(fd, "wb") as out:  # buffered: a short write is continued, then fails
            out.write(_PROBE)
            out.flush()
            os.fsync(out.fileno())
        probe.unlink()
    except OSError as exc:
        with contextlib.suppress(OSError):
            probe.unlink()
        raise unusable(directory, exc) from exc


def read_json(path: Path, warn: Warn = ignore, *, root: Path | None = None) -> dict[str, Any]:
    """The document, or {} when the file is missing; {} and a warning when it is unreadable (a
    link, a FIFO, a device, too large, not JSON, not an object). `root`: the state directory
    (default: the file's folder); nothing below it is followed through a link."""
    try:
        raw = read_bytes(path, path.parent if root is None else root)
    except (FileNotFoundError, NotADirectoryError):  # no state yet (or no dir: checked later)
        return {}
    except StateDirError as exc:  # a folder on the way is a link, a file, ...
        warn(f"ignoring state file {path}: {exc.entry}: {exc.why}")
        return {}
    except UnusableFile as exc:
        warn(f"ignoring state file {path}: it {exc}")
        return {}
    except OSError as exc:
        warn(f"ignoring state file {path}: it cannot be read ({exc})")
        return {}
    try:
        data = json.loads(raw.decode("utf-8"))
    except ValueError as exc:  # UnicodeDecodeError is a ValueError
        warn(f"ignoring state file {path}: it is not valid JSON ({exc})")
        return {}
    if not isinstance(data, dict):
        warn(f"ignoring state file {path}: expected a JSON object, found {type(data).__name__}")
        return {}
    return data


def write_json(path: Path, data: dict[str, Any], *, root: Path | None = None) -> None:
    """Atomically (temp file, fsync, rename): a crash never leaves a half-written file behind,
    and a link at `path` is replaced, not written through. A failure is a StateDirError (exit
    9), never a traceback."""
    text = json.dumps(data, indent=1, sort_keys=True)  # before any file: a TypeError leaves none
    replace_bytes(path, path.parent if root is None else root, text.encode("utf-8"))
