"""Every way compiled code can be unreadable: the file (and entry) it is in, and where in it."""

from __future__ import annotations


class ClassFileProblem(Exception):
    """A class file that is not one the JVM would load; `offset` is the byte it failed at."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(f"{message} (at byte {offset})")
        self.offset = offset


class ArchiveProblem(Exception):
    """A jar, directory or class file that cannot be read; `where` names it (jar!entry)."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message
