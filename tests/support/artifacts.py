"""Build plugin artifacts and images for tests: jars, OBRs, Connect descriptors, tiny images."""

from __future__ import annotations

import io
import json
import os
import struct
import zipfile
import zlib
from pathlib import Path

PLUGIN_XML = """<atlassian-plugin key="{key}" name="{name}" plugins-version="2">
    <plugin-info>
        <description>{name}</description>
        <version>{version}</version>
        <vendor name="Example Inc." url="https://example.com"/>
        <param name="atlassian-data-center-status">compatible</param>
        <param name="atlassian-data-center-compatible">true</param>
        <param name="atlassian-licensing-enabled">{licensing}</param>
    </plugin-info>
</atlassian-plugin>
"""


def jar_bytes(
    key: str = "com.example.timesheets",
    version: str = "2.4.0",
    name: str = "Timesheets",
    licensing: bool = True,
    filler: int = 0,
) -> bytes:
    """A plugin jar; `filler` adds a stored entry of that many random bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as jar:
        jar.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n")
        xml = PLUGIN_XML.format(
            key=key, name=name, version=version, licensing=str(licensing).lower()
        )
        jar.writestr("atlassian-plugin.xml", xml)
        if filler:
            jar.writestr(zipfile.ZipInfo("filler.bin"), os.urandom(filler), zipfile.ZIP_STORED)
    return buffer.getvalue()


def write_large_jar(path: Path, size: int, key: str = "com.example.timesheets") -> Path:
    """A valid jar of about `size` bytes, written in chunks (never whole in memory)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as jar:
        jar.writestr(
            "atlassian-plugin.xml",
            PLUGIN_XML.format(key=key, name="Big", version="9.9.9", licensing="true"),
        )
        with jar.open(zipfile.ZipInfo("filler.bin"), "w", force_zip64=True) as entry:
            left = size
            while left > 0:
                chunk = os.urandom(min(left, 1 << 20))
                entry.write(chunk)
                left -= len(chunk)
    return path


def obr_bytes(key: str = "com.example.timesheets", version: str = "2.4.0") -> bytes:
    """An OBR: a zip with the plugin jar at its root and a dependency bundle."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as obr:
        obr.writestr("obr.xml", "<repository/>")
        obr.writestr("dependencies/lib.jar", jar_bytes(key="org.example.lib", version="1.0"))
        obr.writestr(f"{key}-{version}.jar", jar_bytes(key=key, version=version))
    return buffer.getvalue()


def connect_bytes(key: str = "com.example.timesheets", version: str | None = "2.4.0") -> bytes:
    descriptor: dict[str, object] = {"key": key, "name": "Timesheets", "baseUrl": "https://x.test"}
    if version is not None:
        descriptor["version"] = version
    return json.dumps(descriptor).encode()


def zip_without_descriptor() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("README.txt", "not a plugin")
    return buffer.getvalue()


def png_bytes(width: int = 2, height: int = 2, padding: int = 0) -> bytes:
    """A valid PNG; `padding` appends a private chunk to make it bigger."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    extra = chunk(b"prVt", b"\x00" * padding) if padding else b""
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + extra
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)
BMP = b"BM" + b"\x00" * 60


def zip_of(entries: list[tuple[str, bytes]], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A zip with these entries in order (duplicate names allowed: zipfile warns, writes both)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


def patch_entry(
    data: bytes,
    name: str,
    *,
    flag: int | None = None,
    method: int | None = None,
    declared_size: int | None = None,
) -> bytes:
    """Rewrite one entry's headers (local and central) as a hostile zip would have them."""
    out = bytearray(data)
    encoded = name.encode()
    central = 0
    while (central := out.find(b"PK\x01\x02", central)) >= 0:
        length = struct.unpack_from("<H", out, central + 28)[0]
        if bytes(out[central + 46 : central + 46 + length]) == encoded:
            local = struct.unpack_from("<I", out, central + 42)[0]
            for header, offsets in ((central, (8, 10, 24)), (local, (6, 8, 22))):
                if flag is not None:
                    struct.pack_into("<H", out, header + offsets[0], flag)
                if method is not None:
                    struct.pack_into("<H", out, header + offsets[1], method)
                if declared_size is not None:
                    struct.pack_into("<I", out, header + offsets[2], declared_size)
            return bytes(out)
        central += 4
    raise AssertionError(f"no entry {name}")


def corrupt_entry(data: bytes, name: str) -> bytes:
    """Overwrite the middle of an entry's compressed bytes (the headers stay valid)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(name)
    start = info.header_offset + 30 + len(name.encode()) + len(info.extra)
    out = bytearray(data)
    middle = start + info.compress_size // 2
    out[middle : middle + 8] = b"\xff" * 8
    return bytes(out)
