"""Request bodies as bounded streams: Content-Length or chunked, never read whole into memory."""

from __future__ import annotations

from io import BufferedIOBase
from typing import Protocol


class BodyError(Exception):
    """The request body ended early or is malformed (the client went away mid-upload)."""


class BodyReader(Protocol):
    def read(self, size: int) -> bytes:
        """Up to `size` bytes (at least one), or b"" at the end of the body."""
        ...


def _read_some(rfile: BufferedIOBase, size: int) -> bytes:
    # read1: whatever has arrived (up to size), so a slow upload streams instead of stalling.
    return rfile.read1(size)


class LengthReader:
    """A body with a Content-Length."""

    def __init__(self, rfile: BufferedIOBase, length: int) -> None:
        self._rfile = rfile
        self.remaining = length
        self.consumed = 0

    def read(self, size: int) -> bytes:
        if self.remaining <= 0:
            return b""
        data = _read_some(self._rfile, min(size, self.remaining))
        if not data:
            raise BodyError("connection closed before the request body was complete")
        self.remaining -= len(data)
        self.consumed += len(data)
        return data

    @property
    def finished(self) -> bool:
        return self.remaining <= 0


class ChunkedReader:
    """A body sent with Transfer-Encoding: chunked (requests does this for generator bodies)."""

    _MAX_LINE = 4096

    def __init__(self, rfile: BufferedIOBase) -> None:
        self._rfile = rfile
        self._left = 0  # bytes left in the current chunk
        self._done = False
        self.consumed = 0

    @property
    def finished(self) -> bool:
        return self._done

    def _line(self) -> bytes:
        line = self._rfile.readline(self._MAX_LINE + 1)
        if not line.endswith(b"\n") or len(line) > self._MAX_LINE:
            raise BodyError("malformed chunked request body")
        return line.rstrip(b"\r\n")

    def read(self, size: int) -> bytes:
        if self._done:
            return b""
        if self._left == 0:
            try:
                self._left = int(self._line().split(b";", 1)[0].strip(), 16)
            except ValueError:
                raise BodyError("malformed chunk size in request body") from None
            if self._left < 0:
                raise BodyError("malformed chunk size in request body")
            if self._left == 0:
                while self._line():  # trailers end with an empty line
                    pass
                self._done = True
                return b""
        data = _read_some(self._rfile, min(size, self._left))
        if not data:
            raise BodyError("connection closed before the request body was complete")
        self._left -= len(data)
        self.consumed += len(data)
        if self._left == 0 and self._line():
            raise BodyError("malformed chunked request body (missing CRLF after chunk)")
        return data


class EmptyReader:
    finished = True
    consumed = 0

    def read(self, size: int) -> bytes:
        return b""


def drain(reader: BodyReader, chunk_size: int = 256 * 1024) -> int:
    """Read and discard the rest of a body; returns the number of bytes discarded."""
    total = 0
    while True:
        data = reader.read(chunk_size)
        if not data:
            return total
        total += len(data)


def read_limited(reader: BodyReader, limit: int) -> bytes | None:
    """The whole (small) body, or None when it is longer than `limit` (the rest is drained)."""
    parts: list[bytes] = []
    total = 0
    while True:
        data = reader.read(64 * 1024)
        if not data:
            return b"".join(parts)
        total += len(data)
        if total > limit:
            drain(reader)
            return None
        parts.append(data)
