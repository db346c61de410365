"""Reading key/name/version from jars, OBRs and Connect descriptors."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from publisher.sandbox.descriptor import InvalidArtifact, read_details
from tests.support.artifacts import connect_bytes, jar_bytes, obr_bytes


def write(tmp_path: Path, data: bytes, name: str = "a.jar") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def zipped(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_jar_details(tmp_path: Path) -> None:
    details = read_details(write(tmp_path, jar_bytes(licensing=False)), 10**9)
    assert details == {
        "key": "com.example.timesheets",
        "name": "Timesheets",
        "version": "2.4.0",
        "licensingEnabled": False,
        "dataCenterCompatible": True,
        "dataCenterStatus": "compatible",
        "addOnType": "two",
        "remotable": False,
        "editionsEnabled": False,
    }


def test_plugins_1_descriptor(tmp_path: Path) -> None:
    xml = b'<atlassian-plugin key="k" name="n"><plugin-info><version>1</version></plugin-info>'
    xml += b"</atlassian-plugin>"
    details = read_details(write(tmp_path, zipped({"atlassian-plugin.xml": xml})), 10**9)
    assert (details["addOnType"], details["dataCenterCompatible"]) == ("one", False)
    assert "dataCenterStatus" not in details


def test_obr_skips_dependencies_and_oversized_jars(tmp_path: Path) -> None:
    assert (
        read_details(write(tmp_path, obr_bytes(version="5.0"), "a.obr"), 10**9)["version"] == "5.0"
    )
    with pytest.raises(InvalidArtifact, match=r"no atlassian-plugin\.xml"):
        read_details(write(tmp_path, obr_bytes(), "b.obr"), 100)  # the nested jar is too big


def test_connect_without_version(tmp_path: Path) -> None:
    details = read_details(write(tmp_path, connect_bytes(version=None), "c.json"), 10**9)
    assert details["key"] == "com.example.timesheets"
    assert "version" not in details
    assert details["remotable"] is True


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (zipped({"atlassian-plugin.xml": b"<!DOCTYPE x [<!ENTITY a 'b'>]><a/>"}), "DOCTYPE"),
        (zipped({"atlassian-plugin.xml": b"<atlassian-plugin key='k'"}), "not well-formed"),
        (zipped({"atlassian-plugin.xml": b"<plugin key='k'/>"}), "no <atlassian-plugin key"),
        (
            zipped({"atlassian-plugin.xml": b"<atlassian-plugin name='no key'/>"}),
            "no <atlassian-plugin key",
        ),
        (b"[1, 2]", "not a valid artifact"),
        (b"\x89PNG\r\n", "not a valid artifact"),
    ],
)
def test_invalid(tmp_path: Path, data: bytes, message: str) -> None:
    with pytest.raises(InvalidArtifact, match=message):
        read_details(write(tmp_path, data), 10**9)
