"""The files and folders of the state directory, opened without ever following a link.

A CI cache restores the state directory from an archive anyone with write access to the cache
could have made, so what it holds is untrusted: a `journal` that is a link out of it, a ledger
that is a FIFO or a link to /dev/zero, a lock file that is a dangling link. The directory itself
is the user's choice (MPAC_STATE_DIR may be a link); every name below it is opened relative to an
open descriptor of its folder with O_NOFOLLOW, read as a regular file with a size cap
(files/regular.py, the reader of release files), and written by atomic replace (a new file made
with O_EXCL, then renamed over the old name: a link there is replaced, its target never touched).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path

from publisher.files.regular import kind_of, read_regular
from publisher.state.errors import refused, unusable

MAX_STATE_BYTES = 4 << 20  # a journal of 50 images is ~10 KB; past this it is not ours
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)  # getattr: the module imports on Windows (validate)
_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NONBLOCK", 0) | _CLOEXEC
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC
_REMOVE_IT = "remove it (a restored cache may have planted it): the next run recreates it"
_LOCK_FILE = os.O_RDWR | os.O_CREAT | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0) | _CLOEXEC


@contextlib.contextmanager
def opened_folder(folder: Path, root: Path, *, create: bool) -> Iterator[int]:
    """A descriptor of `folder`: `root` opened as named, each folder below it a real directory
    (made 0700 when missing and `create`). FileNotFoundError (NotADirectoryError: the root is a
    file) when something is missing and not `create`; StateDirError naming the entry that is
    not a directory, or cannot be made."""
    if create:
        try:
            root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise unusable(root, exc) from exc
    fd = _open_root(root)
    try:
        at = root
        for name in folder.relative_to(root).parts:
            at = at / name
            if create:
                _make_folder(at, fd)
            child = _open_below(at, fd)
            os.close(fd)
            fd = child
        yield fd
    finally:
        os.close(fd)


def _open_root(root: Path) -> int:
    """The state directory as the user named it (a link there is their choice)."""
    try:
        return os.open(root, _DIR_FLAGS)
    except (FileNotFoundError, NotADirectoryError):  # no state yet: check_state_dir says why
        raise
    except OSError as exc:
        raise unusable(root, exc) from exc


def _make_folder(path: Path, parent: int) -> None:
    try:
        os.mkdir(path.name, 0o700, dir_fd=parent)
    except FileExistsError:  # a link or a file there: refused when it is opened
        pass
    except OSError as exc:
        raise unusable(path, exc) from exc


def _open_below(path: Path, parent: int) -> int:
    """`path.name` in the folder `parent`, a real directory, never through a link."""
    try:
        return os.open(path.name, _DIR_FLAGS | _NOFOLLOW, dir_fd=parent)
    except FileNotFoundError:
        raise
    except OSError as exc:
        found = _kind(path.name, parent)
        if found in (None, "a directory"):  # not its kind: permissions, ...
            raise unusable(path, exc) from exc
        raise refused(path, f"it is {found}, not a directory", advice=_REMOVE_IT) from exc


def _kind(name: str, dir_fd: int) -> str | None:
    """What an entry is ("a regular file", "a symbolic link", ...), None when it is missing."""
    try:
        mode = os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mode
    except OSError:
        return None
    return _kind_of(mode)


def _kind_of(mode: int) -> str:
    return "a regular file" if stat.S_ISREG(mode) else kind_of(mode)


def read_bytes(path: Path, root: Path) -> bytes:
    """The bytes of a state file. FileNotFoundError when it (or its folder) is missing;
    StateDirError (a folder) or UnusableFile (the file: a link, a FIFO, too large) otherwise."""
    with opened_folder(path.parent, root, create=False) as folder:
        return read_regular(Path(path.name), MAX_STATE_BYTES, dir_fd=folder)


def replace_bytes(path: Path, root: Path, data: bytes) -> None:
    """Write `path` atomically: a new file (O_EXCL, O_NOFOLLOW, 0600), fsynced, renamed over the
    old name. A link at `path` is replaced, never written through. StateDirError on failure."""
    with opened_folder(path.parent, root, create=True) as folder:
        temp = f".{path.name}.{secrets.token_hex(6)}.tmp"
        try:
            fd = os.open(temp, _NEW_FILE, 0o600, dir_fd=folder)
        except OSError as exc:
            raise unusable(path.parent, exc) from exc
        try:
            with os.fdopen(fd, "wb") as out:  # buffered: a short write is continued, then fails
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, path.name, src_dir_fd=folder, dst_dir_fd=folder)
        except BaseException as exc:  # an interrupt too: no temp file is left behind
            with contextlib.suppress(OSError):
                os.unlink(temp, dir_fd=folder)
            if isinstance(exc, OSError):
                raise unusable(path, exc) from exc
            raise
        with contextlib.suppress(OSError):  # some file systems cannot sync a directory
            os.fsync(folder)


def open_lock(path: Path, root: Path) -> int:
    """A descriptor of the lock file `path` (created when missing): a regular file of one link
    only, since the holder's pid is written into it. StateDirError otherwise."""
    with opened_folder(path.parent, root, create=True) as folder:
        _refuse_odd_lock(path, _kind(path.name, folder))  # before opening: a device can act
        try:
            fd = os.open(path.name, _LOCK_FILE, 0o644, dir_fd=folder)
        except OSError as exc:
            raise unusable(path, exc) from exc
    found = os.fstat(fd)
    try:
        _refuse_odd_lock(path, _kind_of(found.st_mode))
        if found.st_nlink != 1:
            raise refused(path, f"it has {found.st_nlink} hard links", advice=_REMOVE_IT)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _refuse_odd_lock(path: Path, kind: str | None) -> None:
    if kind not in (None, "a regular file", "a directory"):  # a directory: the open says so
        raise refused(path, f"it is {kind}, not a regular file", advice=_REMOVE_IT)
