"""The body of an upload: one multipart/form-data part `file`, streamed from its reader as it is
sent (requests-toolbelt's encoder; requests' own `files=` builds the whole body in memory)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from requests_toolbelt import MultipartEncoder, MultipartEncoderMonitor


class Readable(Protocol):
    """What an upload streams from: a file, or a wrapper that hashes as it reads."""

    def read(self, size: int = -1, /) -> bytes: ...


def file_part(
    filename: str,
    stream: Readable,
    content_type: str,
    on_progress: Callable[[int, int], None] | None = None,
) -> MultipartEncoderMonitor:
    """The body (`.len` bytes, `.content_type` its header), reporting (sent, total) per block."""
    encoder = MultipartEncoder(fields={"file": (filename, stream, content_type)})
    report = _each_advance(on_progress, encoder.len) if on_progress else None
    return MultipartEncoderMonitor(encoder, report)


def _each_advance(
    on_progress: Callable[[int, int], None], total: int
) -> Callable[[MultipartEncoderMonitor], None]:
    """The monitor's callback, called once per block read: on_progress for each that sent more
    (the encoder's last, empty read would report the end twice)."""
    last = -1

    def report(monitor: MultipartEncoderMonitor) -> None:
        nonlocal last
        done = min(monitor.bytes_read, total)
        if done != last:
            last = done
            on_progress(done, total)

    return report
