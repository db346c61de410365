"""Listing images, recognised by their content (as Marketplace does), not by their file name."""

from __future__ import annotations

import os
from pathlib import Path

from publisher.files.regular import open_regular

FORMATS = {"jpeg": "JPEG", "png": "PNG", "gif": "GIF", "bmp": "BMP"}
_EXTENSIONS = {".jpg": "jpeg", ".jpeg": "jpeg", ".png": "png", ".gif": "gif", ".bmp": "bmp"}
_IMAGE_SUFFIX = {"png": ".png", "jpeg": ".jpg", "gif": ".gif", "bmp": ".bmp"}
_KNOWN_SUFFIXES = {".png", ".jpg", ".jpeg", ".jpe", ".gif", ".bmp", ".dib"}
_PNG_END = b"\x00\x00\x00\x00IEND\xaeB`\x82"
_TAIL = 4096


def sniff(head: bytes) -> str | None:
    """'jpeg', 'png', 'gif' or 'bmp' from the first bytes of a file; None for anything else."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head.startswith(b"BM") and len(head) >= 26:
        return "bmp"
    return None


def describe_unknown(head: bytes) -> str | None:
    """A guess at what a non-image file is, for the error message."""
    guesses = [
        (b"%PDF", "a PDF document"),
        (b"PK\x03\x04", "a zip archive"),
        (b"RIFF", "a RIFF file (WebP?)"),
        (b"<svg", "an SVG drawing"),
        (b"<?xml", "an XML file (SVG?)"),
        (b"II*\x00", "a TIFF image"),
        (b"MM\x00*", "a TIFF image"),
    ]
    for magic, name in guesses:
        if head.lstrip().startswith(magic):
            return name
    if head[4:12] in (b"ftypavif", b"ftypheic", b"ftypmif1"):
        return "an AVIF/HEIC image"
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "a text file" if text.isprintable() or text.strip().isprintable() else None


def image_problem(path: Path) -> str | None:
    """None when `path` is a complete jpg/png/gif/bmp image; otherwise what is wrong with it."""
    with open_regular(path) as handle:
        size = os.fstat(handle.fileno()).st_size
        if size == 0:
            return "is empty (0 bytes)"
        head = handle.read(64)
        handle.seek(max(0, size - _TAIL))
        tail = handle.read(_TAIL)
    kind = sniff(head)
    if kind is None:
        guess = describe_unknown(head)
        what = f": it is {guess}" if guess else " (Marketplace recognises images by content)"
        return f"is not a jpg, png, gif or bmp image{what}"
    if not _complete(kind, head, tail, size):
        return f"is a truncated or damaged {FORMATS[kind]} image (its end is missing)"
    return None


def extension_mismatch(path: Path) -> str | None:
    """A warning when the name says one format and the content another."""
    named = _EXTENSIONS.get(path.suffix.lower())
    with open_regular(path) as handle:
        actual = sniff(handle.read(64))
    if named and actual and named != actual:
        sent = upload_name(path.name, actual)
        return f"is named {path.suffix} but is a {FORMATS[actual]} image (uploaded as {sent})"
    return None


def upload_name(name: str, kind: str | None) -> str:
    """`a.PNG`, `a.jpeg`, `a` -> `a.png`, `a.jpg`, ...: the extension that the content has.

    Marketplace judges an image by its name's extension (its errors say so); the content decides.
    """
    if kind is None:
        return name
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem or "." + suffix.lower() not in _KNOWN_SUFFIXES:
        stem = name
    return f"{stem}{_IMAGE_SUFFIX[kind]}"


def _complete(kind: str, head: bytes, tail: bytes, size: int) -> bool:
    if kind == "png":
        return tail.endswith(_PNG_END)
    if kind == "jpeg":
        return b"\xff\xd9" in tail.rstrip(b"\x00\r\n ")[-64:]
    if kind == "gif":
        return tail.rstrip(b"\x00").endswith(b";")
    declared = int.from_bytes(head[2:6], "little")
    return 26 <= declared <= size
