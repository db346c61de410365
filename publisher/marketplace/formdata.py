"""The multipart/form-data body of an upload: one file part, read from its stream as it is sent.

The part's headers are rendered by urllib3 (the quoting of odd file names is its); the file's
blocks go to the socket as they are read, in the blocks the connection asks for, without being
copied through a buffer first (requests-toolbelt's encoder copied each block twice through a
BytesIO, in ~75k Python calls per 249.6 MB: our process took 0.46-0.51 s of CPU per upload with
it, 0.43 s without; benchmarks/upload_throughput.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Protocol

from urllib3.fields import RequestField

_BLOCK = 1 << 18  # when a reader asks for "everything": never the whole file at once


class Readable(Protocol):
    """What an upload streams from (files/hashing.py's reader): `size` bytes, then b""."""

    size: int

    def read(self, size: int = -1, /) -> bytes: ...


class FormData:
    """A file-like body of known length (`len(body)`), for requests' `data=`; read once."""

    def __init__(
        self,
        field: str,
        filename: str,
        content_type: str,
        stream: Readable,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> None:
        boundary = uuid.uuid4().hex
        part = RequestField(name=field, data=b"", filename=filename)
        part.make_multipart(content_type=content_type)
        self.content_type = f"multipart/form-data; boundary={boundary}"
        self._head = f"--{boundary}\r\n{part.render_headers()}".encode()
        self._tail = f"\r\n--{boundary}--\r\n".encode()
        self._stream = stream
        self._size = stream.size
        self._on_progress = on_progress
        self._unsent = [self._tail, self._head]  # popped from the end; the file's blocks between
        self.bytes_read = 0

    def __len__(self) -> int:
        return len(self._head) + self._size + len(self._tail)

    def read(self, size: int = -1, /) -> bytes:
        """The next block: the part's headers, then the file block by block, then the end."""
        if len(self._unsent) == 2:
            data = self._unsent.pop()  # the headers, a few hundred bytes: alone in the first send
        else:
            data = self._stream.read(size if size > 0 else _BLOCK)
            if not data and self._unsent:
                data = self._unsent.pop()
        self.bytes_read += len(data)
        if self._on_progress is not None and data:
            self._on_progress(self.bytes_read, len(self))
        return data
