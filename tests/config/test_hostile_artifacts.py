"""Hostile artifacts (issues #19, #20): each is refused with a located error (exit 3), never an
exit 1, and no member is ever inflated past its limit whatever size it declares."""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from publisher.cli import main
from publisher.files.artifact import inspect
from tests.support.artifacts import (
    PLUGIN_XML,
    connect_bytes,
    corrupt_entry,
    jar_bytes,
    patch_entry,
    zip_of,
)

RELEASE = """\
app: com.example.timesheets
hosting: datacenter
version: "2.4.0"
build: 2004000
artifact: {artifact}
payment: free
compatibility:
  - product: jira
    min: 9.12.0
    max: 10.3.0
"""
DESCRIPTOR = PLUGIN_XML.format(
    key="com.example.timesheets", name="T", version="2.4.0", licensing="true"
).encode()


def validate(tmp_path: Path, name: str, data: bytes, capsys: pytest.CaptureFixture[str]) -> str:
    (tmp_path / ".git").mkdir(exist_ok=True)
    (tmp_path / name).write_bytes(data)
    config = tmp_path / "release.yml"
    config.write_text(RELEASE.format(artifact=name))
    code = main(["validate", str(config)], env={"NO_COLOR": "1"})
    out = capsys.readouterr().out
    assert code == 3, out
    assert "unexpected error" not in out
    return out


def bomb_descriptor(size: int) -> bytes:
    """A valid atlassian-plugin.xml padded with `size` bytes of whitespace (compresses ~1000:1)."""
    return DESCRIPTOR.replace(b"</atlassian-plugin>", b" " * size + b"</atlassian-plugin>")


def test_encrypted_descriptor_entry_is_a_located_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    jar = patch_entry(jar_bytes(), "atlassian-plugin.xml", flag=0x1)
    out = validate(tmp_path, "app.jar", jar, capsys)
    assert "release.yml:5:11: error: artifact: 'app.jar' has an encrypted entry" in out


def test_deflate64_descriptor_entry_is_a_located_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    jar = patch_entry(jar_bytes(), "atlassian-plugin.xml", method=9)
    out = validate(tmp_path, "app.jar", jar, capsys)
    assert "5:11: error: artifact: 'app.jar' has an entry atlassian-plugin.xml compressed" in out
    assert "deflate64" in out


def test_corrupt_deflate_stream_is_a_located_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    jar = corrupt_entry(
        zip_of([("atlassian-plugin.xml", bomb_descriptor(50_000))]), "atlassian-plugin.xml"
    )
    out = validate(tmp_path, "app.jar", jar, capsys)
    assert "5:11: error: artifact: 'app.jar' has a damaged entry atlassian-plugin.xml" in out


def test_two_descriptors_make_the_jar_ambiguous_and_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = DESCRIPTOR.replace(b"com.example.timesheets", b"com.evil.other")
    with pytest.warns(UserWarning, match="Duplicate name"):
        jar = zip_of([("atlassian-plugin.xml", DESCRIPTOR), ("atlassian-plugin.xml", other)])
    out = validate(tmp_path, "app.jar", jar, capsys)
    assert "5:11: error: artifact: 'app.jar' has 2 atlassian-plugin.xml entries" in out


def test_connect_descriptor_nested_100k_deep_is_a_located_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deep = b'{"key": "com.example.timesheets", "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    out = validate(tmp_path, "descriptor.json", deep, capsys)
    assert (
        "5:11: error: artifact: 'descriptor.json' is a Connect descriptor nested too deeply" in out
    )


def test_connect_descriptor_with_a_5000_digit_number_is_a_located_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = b'{"key": "com.example.timesheets", "version": ' + b"9" * 5000 + b"}"
    out = validate(tmp_path, "descriptor.json", data, capsys)
    assert "5:11: error: artifact: 'descriptor.json' is not a valid Connect descriptor" in out


def test_utf16_doctype_in_the_descriptor_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    xml = (
        '<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE a [<!ENTITY x "xxxxxxxx">]>\n'
        '<atlassian-plugin key="com.example.timesheets"><plugin-info><version>&x;</version>'
        "</plugin-info></atlassian-plugin>"
    ).encode("utf-16")
    out = validate(tmp_path, "app.jar", zip_of([("atlassian-plugin.xml", xml)]), capsys)
    assert "has an atlassian-plugin.xml with a DOCTYPE/ENTITY declaration; refused" in out


def peak_memory_of_inspect(path: Path) -> tuple[str, int]:
    tracemalloc.start()
    try:
        inspect(path)
        raise AssertionError("the bomb was accepted")
    except Exception as exc:
        message = str(exc)
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return message, peak


def test_descriptor_zip_bomb_is_refused_by_its_declared_size_without_inflating(
    tmp_path: Path,
) -> None:
    path = tmp_path / "bomb.jar"
    path.write_bytes(zip_of([("atlassian-plugin.xml", bomb_descriptor(100_000_000))]))
    assert path.stat().st_size < 1_000_000
    message, peak = peak_memory_of_inspect(path)
    assert "atlassian-plugin.xml of 100000" in message and "(at most 2000000)" in message
    assert peak < 8_000_000, peak  # the old code inflated all 100 MB


def test_descriptor_that_lies_about_its_size_is_never_inflated_past_the_limit(
    tmp_path: Path,
) -> None:
    jar = zip_of([("atlassian-plugin.xml", bomb_descriptor(100_000_000))])
    path = tmp_path / "liar.jar"
    path.write_bytes(patch_entry(jar, "atlassian-plugin.xml", declared_size=1000))
    message, peak = peak_memory_of_inspect(path)
    assert "atlassian-plugin.xml" in message
    assert peak < 8_000_000, peak


def test_nested_obr_jar_is_spooled_to_disk_not_inflated_into_memory(tmp_path: Path) -> None:
    inner = zip_of([("filler.bin", b"\x00" * 60_000_000)], zipfile.ZIP_STORED)  # 60 MB jar
    obr = zip_of([("obr.xml", b"<repository/>"), ("com.example.timesheets-2.4.0.jar", inner)])
    path = tmp_path / "bomb.obr"
    path.write_bytes(obr)
    assert path.stat().st_size < 1_000_000
    message, peak = peak_memory_of_inspect(path)
    assert "has no atlassian-plugin.xml" in message
    assert peak < 8_000_000, peak  # the old code held the whole nested jar in memory


def test_nested_obr_jar_over_its_limit_is_refused(tmp_path: Path) -> None:
    inner = zip_of([("filler.bin", b"\x00" * 70_000_000)], zipfile.ZIP_STORED)
    path = tmp_path / "big.obr"
    path.write_bytes(zip_of([("com.example.timesheets-2.4.0.jar", inner)]))
    message, peak = peak_memory_of_inspect(path)
    assert "of 70000" in message and "(at most 64000000)" in message
    assert peak < 8_000_000, peak


def test_connect_descriptor_over_2_mb_is_refused_after_reading_2_mb(tmp_path: Path) -> None:
    path = tmp_path / "descriptor.json"
    path.write_bytes(connect_bytes()[:-1] + b', "pad": "' + b"x" * 20_000_000 + b'"}')
    message, peak = peak_memory_of_inspect(path)
    assert message == "is a Connect descriptor larger than 2 MB; refused"
    assert peak < 8_000_000, peak


def test_a_normal_jar_and_obr_still_read_their_identity(tmp_path: Path) -> None:
    path = tmp_path / "app.jar"
    path.write_bytes(jar_bytes(version="3.1.0"))
    info = inspect(path)
    assert (info.kind, info.key, info.version, info.data_center_compatible) == (
        "jar",
        "com.example.timesheets",
        "3.1.0",
        True,
    )
    stored = io.BytesIO()
    with zipfile.ZipFile(stored, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("atlassian-plugin.xml", DESCRIPTOR)
    path.write_bytes(stored.getvalue())
    assert inspect(path).version == "2.4.0"


def test_connect_descriptor_with_two_keys_is_ambiguous_and_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = b'{"key": "com.example.timesheets", "version": "2.4.0", "key": "com.evil.other"}'
    out = validate(tmp_path, "descriptor.json", data, capsys)
    assert "5:11: error: artifact: 'descriptor.json' is a Connect descriptor with 2 'key'" in out


@pytest.fixture(scope="module")
def wide_jar() -> bytes:
    """200 000 empty entries with 40-character names: 31 MB, a 17 MB zip64 directory."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("atlassian-plugin.xml", DESCRIPTOR)
        for i in range(200_000):
            archive.writestr(zipfile.ZipInfo(f"{i:040d}"), b"")
    return buffer.getvalue()


def test_a_jar_of_200k_tiny_entries_is_refused_before_its_directory_is_read(
    tmp_path: Path, wide_jar: bytes
) -> None:
    path = tmp_path / "wide.jar"
    path.write_bytes(wide_jar)
    message, peak = peak_memory_of_inspect(path)
    assert message.startswith("has 200001 entries") and "at most 100000" in message
    assert peak < 8_000_000, peak  # zipfile alone peaks at ~100 MB for these entries


def test_an_end_record_that_understates_the_entries_is_caught_by_the_directory_size(
    tmp_path: Path, wide_jar: bytes
) -> None:
    data = bytearray(wide_jar)
    record = data.rfind(b"PK\x06\x06")  # the zip64 end record: entries on this disk, in all
    data[record + 24 : record + 40] = (1).to_bytes(8, "little") * 2
    path = tmp_path / "liar.jar"
    path.write_bytes(bytes(data))
    message, peak = peak_memory_of_inspect(path)
    assert message.startswith("has a zip directory of 17200066 bytes (it declares 1 entries)")
    assert peak < 8_000_000, peak
