"""Opening a file that release.yml names: a regular file only, opened without blocking, and
provably the file that validation checked.

A FIFO named as an image hung `validate` (issue #22); a symlink swapped between the workspace
check and the upload sent a file from outside the workspace (issue #23). So every read goes
through `open_regular`: it never blocks on a FIFO or device, and with a `CheckedFile` it verifies
the opened handle itself (its real path and its inode), after which only that handle is read.
The state directory reads its files through here too, without following links and with a size
cap (`read_regular`): a FIFO, a link to /dev/zero or a huge file planted there must not hang or
exhaust a run.
"""

from __future__ import annotations

import os
import stat
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_NOCTTY", 0)
)


class UnusableFile(Exception):
    """The path is not a regular file, or no longer the file that was checked; says which."""


@dataclass(frozen=True)
class CheckedFile:
    """A file as validation found it: which file it was, and where it has to stay."""

    path: Path
    device: int
    inode: int
    workspace: Path | None  # None: --allow-outside-workspace

    def open(self) -> BinaryIO:
        return open_regular(self.path, workspace=self.workspace, expected=self)


def kind_of(mode: int) -> str:
    """What a non-regular file is, in the user's words."""
    kinds = (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISLNK, "a symbolic link"),
    )
    return next((name for test, name in kinds if test(mode)), "not a regular file")


def open_regular(
    path: Path,
    *,
    workspace: Path | None = None,
    expected: CheckedFile | None = None,
    follow_links: bool = True,
    dir_fd: int | None = None,
) -> BinaryIO:
    """Open `path` for reading if it is a regular file (inside `workspace`, the `expected` one).
    `follow_links` False: a symbolic link is refused, not followed; `dir_fd`: `path` is relative
    to that open directory."""
    before = os.stat(path, dir_fd=dir_fd, follow_symlinks=follow_links)
    if stat.S_ISLNK(before.st_mode):
        raise UnusableFile("is a symbolic link, not a regular file (links are not followed here)")
    if not stat.S_ISREG(before.st_mode):  # refuse before opening: opening a device can act
        raise UnusableFile(f"is {kind_of(before.st_mode)}, not a regular file")
    flags = _FLAGS if follow_links else _FLAGS | os.O_NOFOLLOW
    fd = os.open(path, flags, dir_fd=dir_fd)  # O_NONBLOCK: a FIFO swapped in cannot block it
    try:
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode):
            raise UnusableFile(f"is {kind_of(opened.st_mode)}, not a regular file")
        if workspace is not None:
            real = real_path_of(fd, path, opened)
            if not real.is_relative_to(workspace):
                raise UnusableFile(f"now resolves to {real}, outside the workspace {workspace}")
        if expected is not None and (opened.st_dev, opened.st_ino) != (
            expected.device,
            expected.inode,
        ):
            raise UnusableFile(
                "was replaced after it was checked (another file is there now); refused"
            )
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_regular(path: Path, limit: int, *, dir_fd: int | None = None) -> bytes:
    """The bytes of a regular file that is not a link, refused when larger than `limit` (checked
    before reading, and again while reading: the file may grow)."""
    with open_regular(path, follow_links=False, dir_fd=dir_fd) as handle:
        size = os.fstat(handle.fileno()).st_size
        data = b"" if size > limit else handle.read(limit + 1)
    if size > limit or len(data) > limit:
        raise UnusableFile(f"is larger than {limit} bytes ({max(size, len(data))}); refused")
    return data


def check(path: Path, workspace: Path | None) -> CheckedFile:
    """Open and verify `path` once (see open_regular); remember which file it was."""
    with open_regular(path, workspace=workspace) as handle:
        found = os.fstat(handle.fileno())
    return CheckedFile(path, found.st_dev, found.st_ino, workspace)


def real_path_of(fd: int, path: Path, opened: os.stat_result) -> Path:
    """The resolved path of an open file: from the kernel when it can say, else re-verified."""
    proc = Path(f"/proc/self/fd/{fd}")
    if sys.platform.startswith("linux") and proc.is_symlink():
        return Path(os.readlink(proc))
    resolved = Path(os.path.realpath(path))
    again = os.stat(resolved)
    if (again.st_dev, again.st_ino) != (opened.st_dev, opened.st_ino):
        raise UnusableFile("changed while it was being opened; refused")
    return resolved
