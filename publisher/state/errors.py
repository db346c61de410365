"""How the state directory fails: one error type (exit 9) whose message names the file and says
which of the usual causes it is."""

from __future__ import annotations

import errno
from pathlib import Path

from publisher.errors import ExitCode, PublisherError

STATE_ADVICE = (
    "set MPAC_STATE_DIR to a writable directory on a disk with free space "
    "(it holds the upload ledger and the resume journal)"
)
LINK_ADVICE = (
    "remove it (a restored cache may have planted it): nothing in the state directory is "
    "followed through a link, and the next run recreates what it needs"
)

_WHY = {
    errno.ENOTDIR: "a path component is a file, not a directory",
    errno.EEXIST: "it exists and is not a directory",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "the file system is read-only",
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is exhausted",
    errno.EFBIG: "the file system refused the write (file size limit)",
    errno.ELOOP: "it is a symbolic link (nothing in the state directory is followed through one)",
    errno.EISDIR: "it is a directory, not a file",
}


class StateDirError(PublisherError):
    """The state directory cannot be used: not a directory, a link, read-only, full, or a lock in
    it held past the run's deadline."""

    exit_code = ExitCode.STATE_DIR
    title = "state directory"

    def __init__(self, entry: Path, why: str, *, advice: str = STATE_ADVICE) -> None:
        super().__init__(f"the state directory cannot be used: {entry}: {why}", advice=advice)
        self.entry = entry  # the file or folder at fault
        self.why = why


def unusable(path: Path, exc: OSError) -> StateDirError:
    """The error for a failed state-dir operation, saying which of the usual causes it is."""
    why = _WHY.get(exc.errno or 0, exc.strerror or str(exc))
    return refused(path, why, advice=LINK_ADVICE if exc.errno == errno.ELOOP else STATE_ADVICE)


def refused(path: Path, why: str, *, advice: str = STATE_ADVICE) -> StateDirError:
    """An entry of the state directory that cannot be used as it is (a link, a FIFO, ...)."""
    return StateDirError(path, why, advice=advice)
