"""Pixel dimensions from an image's first bytes (PNG, GIF, BMP, JPEG), without decoding it."""

from __future__ import annotations

import struct

HEAD_BYTES = 64 * 1024  # JPEG's frame header can follow EXIF and other segments
_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def dimensions(mime: str, head: bytes) -> tuple[int, int] | None:
    """(width, height), or None when the header is not readable from `head`."""
    try:
        if mime == "image/png" and len(head) >= 24:
            return struct.unpack(">II", head[16:24])
        if mime == "image/gif" and len(head) >= 10:
            return struct.unpack("<HH", head[6:10])
        if mime == "image/bmp" and len(head) >= 26:
            width, height = struct.unpack("<ii", head[18:26])
            return width, abs(height)  # a negative height means top-down rows
        if mime == "image/jpeg":
            return _jpeg(head)
    except struct.error:
        return None
    return None


def _jpeg(head: bytes) -> tuple[int, int] | None:
    at = 2
    for _ in range(1000):  # segments are bounded by the head's size anyway
        if at + 4 > len(head) or head[at] != 0xFF:
            return None
        marker = head[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        length = struct.unpack(">H", head[at + 2 : at + 4])[0]
        if marker in _SOF:
            height, width = struct.unpack(">HH", head[at + 5 : at + 9])
            return width, height
        at += 2 + length
    return None
