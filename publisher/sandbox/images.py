"""POST /rest/3/assets/images/{imageType}: listing images, sniffed by content, size-capped per type.

Images are hashed and measured while streaming, not kept: listings only need their ids.
"""

from __future__ import annotations

import hashlib
import os
import time
import uuid
from typing import Any

from publisher.sandbox.context import Context
from publisher.sandbox.envelope import listing_validation_error
from publisher.sandbox.multipart import MultipartError, MultipartReader, boundary_from_content_type
from publisher.sandbox.pixels import HEAD_BYTES, dimensions
from publisher.sandbox.settings import IMAGE_TYPES
from publisher.sandbox.wire import Request, Response, json_response

UNSUPPORTED = (
    "Invalid value for file. Unsupported image format. "
    "Only .jpg, .png, .gif, and .bmp files are allowed."
)
TOO_BIG = "Invalid value for file. File size exceeds maximum limit for this image type"
_MAGIC = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"BM", "image/bmp"),
)


_EXTENSIONS = {
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
    "image/gif": (".gif",),
    "image/bmp": (".bmp",),
}


def sniff(head: bytes) -> str | None:
    """The MIME type from the file's first bytes (the extension is not trusted)."""
    for magic, mime in _MAGIC:
        if head.startswith(magic):
            return mime
    return None


def new_image_id(id_format: str) -> str:
    # GUESS: listing fields declare uuid, the upload example shows "img-12345-abcdef-...".
    return f"img-{uuid.uuid4()}" if id_format == "prefixed" else str(uuid.uuid4())


def upload(ctx: Context, req: Request) -> Response:
    image_type = req.params["imageType"]
    if image_type not in IMAGE_TYPES:
        raise listing_validation_error(
            [f"Invalid value for imageType. Must be one of: {', '.join(IMAGE_TYPES)}"]
        )
    boundary = boundary_from_content_type(req.headers.get("Content-Type"))
    if boundary is None:
        raise listing_validation_error(["Invalid value for file. Required field is missing"])
    limit = ctx.settings.image_limit(image_type)
    found: dict[str, Any] | None = None
    try:
        for part in MultipartReader(req.body.read, boundary):
            if part.name != "file" or found is not None:
                continue
            head, size, digest = b"", 0, hashlib.sha256()
            for chunk in part.chunks():
                if len(head) < HEAD_BYTES:
                    head += chunk[: HEAD_BYTES - len(head)]
                size += len(chunk)
                if size <= limit:
                    digest.update(chunk)
            name = os.path.basename(part.filename or "") or "image"
            found = {"name": name, "size": size, "head": head, "sha256": digest.hexdigest()}
    except MultipartError as exc:
        raise listing_validation_error([f"Invalid value for file. {exc}"]) from None
    if found is None:
        raise listing_validation_error(["Invalid value for file. Required field is missing"])
    req.summary = {"file": found["name"], "bytes": found["size"], "imageType": image_type}
    mime = sniff(found["head"])
    problems = ([] if mime else [UNSUPPORTED]) + ([TOO_BIG] if found["size"] > limit else [])
    if mime is not None:
        problems += _name_and_size_problems(ctx, image_type, mime, found)
    if problems or mime is None:
        raise listing_validation_error(problems)
    record = {
        "id": new_image_id(ctx.settings.image_id_format),
        "owner": req.account,
        "imageType": image_type,
        "mediaType": "image",
        "mimeType": mime,
        "name": found["name"],
        "size": found["size"],
        "checksum": f"sha256:{found['sha256']}",
        "createdAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    with ctx.store.lock:
        ctx.store.images[record["id"]] = record
    return json_response(
        200, {k: record[k] for k in ("id", "mediaType", "mimeType", "name", "size")}
    )


def _name_and_size_problems(
    ctx: Context, image_type: str, mime: str, found: dict[str, Any]
) -> list[str]:
    problems = []
    check = ctx.settings.image_extension_check
    extension = os.path.splitext(found["name"])[1]
    if check == "matching":  # any spelling of the format's extension, in any case
        extension = extension.lower()
    allowed = _EXTENSIONS[mime][:1] if check == "listed" else _EXTENSIONS[mime]
    if check != "off" and extension not in allowed:
        # GUESS: the service phrases its format error by extension, so it reads the name too.
        problems.append(
            UNSUPPORTED + f" The name {found['name']!r} does not match its content ({mime})."
        )
    wanted = ctx.settings.image_dimensions.get(image_type)
    actual = dimensions(mime, found["head"])
    if wanted is not None and actual != tuple(wanted):
        shown = f"{actual[0]}x{actual[1]}" if actual else "unreadable"
        problems.append(
            f"Invalid value for file. A {image_type} image must be {wanted[0]}x{wanted[1]} "
            f"pixels, not {shown}"
        )
    return problems
