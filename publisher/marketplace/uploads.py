"""Streaming uploads: the file is read once, in blocks, and hashed during that same read
(files/hashing.py), as the multipart part Marketplace expects (requests-toolbelt's encoder)."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from publisher.errors import ConfigError
from publisher.files.hashing import FileChanged, HashingReader
from publisher.files.images import sniff, upload_name
from publisher.files.regular import CheckedFile, UnusableFile, open_regular
from publisher.marketplace.answers import Json
from publisher.marketplace.client import Marketplace

_ARTIFACT_TYPES = {
    ".jar": "application/java-archive",
    ".obr": "application/octet-stream",
    ".jwb": "application/octet-stream",
    ".json": "application/json",
}
IMAGE_BY_CONTENT = "image/*"  # send_file: the content type and extension come from the bytes


@dataclass(frozen=True)
class Sent:
    response: Json
    sha512: str
    size: int


def send_file(
    client: Marketplace,
    endpoint: str,
    path: Path,
    content_type: str,
    on_progress: Callable[[int, int], None] | None = None,
    *,
    checked: CheckedFile | None = None,
) -> Sent:
    """Upload `path` as the multipart part `file`; reopened on every call (so on every retry).

    With `checked` (what validation found), the opened handle must still be that file inside
    the workspace, and only that handle is read: a symlink swapped meanwhile sends nothing.
    `IMAGE_BY_CONTENT` takes the type, and the name's extension, from the bytes sent.
    """
    try:
        opened = checked.open() if checked else open_regular(path)
    except (UnusableFile, OSError) as exc:
        raise ConfigError(
            f"{path} {exc}" if isinstance(exc, UnusableFile) else f"cannot read {path}: {exc}",
            advice="nothing was sent from this file; check what replaced it and re-run",
        ) from None
    with opened as handle:
        before = os.fstat(handle.fileno())
        size = before.st_size
        name = path.name
        if content_type == IMAGE_BY_CONTENT:
            content_type, name = _image_part(handle, path)
        reader = HashingReader(handle, size)
        try:
            response: Json | None = client.upload(endpoint, name, reader, content_type, on_progress)
        except FileChanged:  # it ended early, so the request was abandoned mid-body
            response = None
        finally:
            reader.close()
        after = os.fstat(handle.fileno())
    # The sha512 is of the bytes sent, so Marketplace's checksum matches whatever they were: a
    # file rewritten in place at the same size (a rebuild) would go out as a mix of two builds.
    if response is None:
        why = "then it ended"
    elif after.st_size != size:
        why = f"then it was {after.st_size} bytes"
    elif after.st_mtime_ns != before.st_mtime_ns:
        why = "and it was written to meanwhile"
    else:
        return Sent(response, reader.sha512, size)
    raise ConfigError(
        f"{path} changed while it was being uploaded ({reader.read_bytes} of {size} bytes sent, "
        f"{why}); what was sent is not used",
        advice="re-run once the build has finished writing it",
    )


def artifact_content_type(path: Path) -> str:
    return _ARTIFACT_TYPES.get(path.suffix.lower(), "application/octet-stream")


def _image_part(handle: BinaryIO, path: Path) -> tuple[str, str]:
    kind = sniff(handle.read(64))
    handle.seek(0)
    content_type = f"image/{kind}" if kind else "application/octet-stream"
    return content_type, upload_name(path.name, kind)
