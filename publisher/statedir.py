"""The state directory (MPAC_STATE_DIR): small JSON files shared by runs on this machine."""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from publisher.errors import UsageError

if sys.platform != "win32":  # Windows has no fcntl: see README "Platforms"
    import fcntl

WINDOWS_UNSUPPORTED = (
    "mpac-publisher cannot lock its state directory on Windows (it needs POSIX fcntl locks)"
)


def state_dir(env: Mapping[str, str]) -> Path:
    """MPAC_STATE_DIR, else $XDG_CACHE_HOME/mpac-publisher, else ~/.cache/mpac-publisher."""
    given = env.get("MPAC_STATE_DIR")
    if given:
        return Path(given).expanduser()
    cache = env.get("XDG_CACHE_HOME") or str(Path(env.get("HOME") or Path.home()) / ".cache")
    return Path(cache) / "mpac-publisher"


def read_json(path: Path) -> dict[str, Any]:
    """The document, or {} when the file is missing or unreadable (state is an optimisation)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Atomically: a crash never leaves a half-written file behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(data, out, indent=1, sort_keys=True)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """An exclusive lock between processes of this machine (held while the body runs)."""
    if sys.platform == "win32":
        raise UsageError(WINDOWS_UNSUPPORTED, advice="run it in WSL, or use the Docker image")
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(path.suffix + ".lock"), "a+") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
