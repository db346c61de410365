"""A streaming multipart/form-data parser (RFC 7578) that holds at most one chunk in memory.

`cgi.FieldStorage` is gone in Python 3.13 and `email` parses whole messages, so this reads the
body in chunks, keeping only the tail that could be the start of a boundary.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from email.message import Message

DEFAULT_CHUNK = 256 * 1024
MAX_HEADER_BYTES = 16 * 1024


class MultipartError(ValueError):
    """The body is not well-formed multipart/form-data."""


def boundary_from_content_type(content_type: str | None) -> bytes | None:
    """The boundary of a multipart/form-data Content-Type, or None if it is something else."""
    if not content_type:
        return None
    message = Message()
    message["content-type"] = content_type
    if message.get_content_type() != "multipart/form-data":
        return None
    boundary = message.get_param("boundary")
    if not isinstance(boundary, str) or not 1 <= len(boundary) <= 200:
        return None
    return boundary.encode("latin-1")


def _disposition(headers: dict[str, str]) -> tuple[str | None, str | None]:
    raw = headers.get("content-disposition")
    if raw is None:
        return None, None
    message = Message()
    message["content-disposition"] = raw
    name = message.get_param("name", header="content-disposition")
    filename = message.get_filename()
    return (name if isinstance(name, str) else None), filename


class Part:
    """One part; read its body with `chunks()` before asking the reader for the next part."""

    def __init__(self, reader: MultipartReader, headers: dict[str, str]) -> None:
        self._reader = reader
        self.headers = headers
        self.name, self.filename = _disposition(headers)
        self.content_type = headers.get("content-type")
        self.done = False

    def chunks(self) -> Iterator[bytes]:
        while not self.done:
            data, ended = self._reader._body_chunk()
            if ended:
                self.done = True
            if data:
                yield data

    def drain(self) -> None:
        for _ in self.chunks():
            pass


class MultipartReader:
    """Iterate over the parts of a multipart body read through `read(size)`.

    Memory stays within chunk_size + len(boundary) + MAX_HEADER_BYTES whatever the body size.
    """

    def __init__(
        self, read: Callable[[int], bytes], boundary: bytes, chunk_size: int = DEFAULT_CHUNK
    ) -> None:
        self._read = read
        self._chunk_size = chunk_size
        self._dash_boundary = b"--" + boundary
        self._delimiter = b"\r\n--" + boundary
        self._buf = bytearray()
        self._eof = False
        self._finished = False
        self._current: Part | None = None
        self.max_buffered = 0  # high-water mark of the internal buffer, for tests

    def _fill(self) -> bool:
        if self._eof:
            return False
        data = self._read(self._chunk_size)
        if not data:
            self._eof = True
            return False
        self._buf += data
        self.max_buffered = max(self.max_buffered, len(self._buf))
        return True

    def _need(self, size: int) -> None:
        while len(self._buf) < size:
            if not self._fill():
                raise MultipartError("multipart body ended early")

    def __iter__(self) -> Iterator[Part]:
        self._skip_preamble()
        while True:
            if self._current is not None and not self._current.done:
                self._current.drain()  # the caller skipped (the rest of) the previous part
            if self.finished:
                return
            part = Part(self, self._headers())
            self._current = part
            yield part

    @property
    def finished(self) -> bool:
        """The closing boundary has been read."""
        return self._finished

    def _skip_preamble(self) -> None:
        # The first boundary may come without the leading CRLF.
        while True:
            index = self._buf.find(self._dash_boundary)
            if index >= 0:
                del self._buf[: index + len(self._dash_boundary)]
                self._after_boundary()
                return
            keep = len(self._dash_boundary) - 1
            if len(self._buf) > keep:
                del self._buf[: len(self._buf) - keep]
            if not self._fill():
                raise MultipartError("no multipart boundary found in the body")

    def _after_boundary(self) -> None:
        self._need(2)
        if self._buf[:2] == b"--":
            self._finished = True
            self._buf.clear()
            return
        # Transport padding (spaces/tabs) may sit between the boundary and its CRLF.
        while True:
            stripped = self._buf.lstrip(b" \t")
            if stripped[:2] == b"\r\n":
                del self._buf[: len(self._buf) - len(stripped) + 2]
                return
            if len(stripped) >= 2 or not self._fill():
                raise MultipartError("malformed multipart boundary line")

    def _headers(self) -> dict[str, str]:
        while True:
            end = self._buf.find(b"\r\n\r\n")
            if end >= 0 or self._buf.startswith(b"\r\n"):
                break
            if len(self._buf) > MAX_HEADER_BYTES:
                raise MultipartError("multipart part headers are too long")
            if not self._fill():
                raise MultipartError("multipart body ended inside part headers")
        if self._buf.startswith(b"\r\n"):
            del self._buf[:2]
            return {}
        block = bytes(self._buf[:end]).decode("utf-8", "replace")
        del self._buf[: end + 4]
        headers: dict[str, str] = {}
        for line in block.split("\r\n"):
            name, sep, value = line.partition(":")
            if not sep:
                raise MultipartError(f"malformed multipart header line: {line[:80]!r}")
            headers[name.strip().lower()] = value.strip()
        return headers

    def _body_chunk(self) -> tuple[bytes, bool]:
        """The next piece of the current part's body, and whether the part ends after it."""
        index = self._buf.find(self._delimiter)
        if index >= 0:
            data = bytes(self._buf[:index])
            del self._buf[: index + len(self._delimiter)]
            self._after_boundary()
            return data, True
        keep = len(self._delimiter) - 1
        if len(self._buf) > keep:
            data = bytes(self._buf[: len(self._buf) - keep])
            del self._buf[: len(self._buf) - keep]
            return data, False
        if not self._fill():
            raise MultipartError("multipart body ended inside a part (no closing boundary)")
        return b"", False
