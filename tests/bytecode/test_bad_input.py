"""Hostile artifacts are a located exit 3, bad --against an exit 2: never a traceback, a hang or a
false "compatible"."""

from __future__ import annotations

import gzip
import json
import struct
import zipfile
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from publisher.report.document import schema
from tests.bytecode.conftest import World, verify
from tests.support.publisher import Release, Run

ARTIFACT = "target/timesheets-2.4.0.jar"


def _rewrite(
    workspace: Release, entries: dict[str, bytes], compress: int = zipfile.ZIP_DEFLATED
) -> None:
    """The artifact with `entries` added (or replacing those of the same name)."""
    path = workspace.root / ARTIFACT
    with zipfile.ZipFile(path) as old:
        kept = {i.filename: old.read(i) for i in old.infolist() if i.filename not in entries}
    with zipfile.ZipFile(path, "w", compress) as new:
        for name, data in {**kept, **entries}.items():
            new.writestr(name, data)


def _verify(workspace: Release, world: World) -> Run:
    flags = ["--against", f"jira=10.0.0:{world.host_v1}", "--json"]
    return verify("compat", "verify", str(workspace.path), *flags)


def _located_exit_3(run: Run, workspace: Release, *phrases: str) -> None:
    assert run.code == 3, run.text
    assert "Traceback" not in run.text
    document = json.loads(run.out)
    assert not list(Draft202012Validator(schema("compat-verify")).iter_errors(document))
    assert document["result"] == "failed"
    (diagnostic,) = document["diagnostics"]
    assert diagnostic["key"] == "artifact"
    assert diagnostic["location"]["line"] == workspace.line_of("artifact:")
    for phrase in phrases:
        assert phrase in diagnostic["message"], diagnostic["message"]


def test_a_truncated_class_file_is_a_located_exit_3(world: World, workspace: Release) -> None:
    with zipfile.ZipFile(world.plugin) as jar:
        data = jar.read("com/example/plugin/Tickets.class")
    _rewrite(workspace, {"com/example/plugin/Tickets.class": data[: len(data) // 2]})
    _located_exit_3(_verify(workspace, world), workspace, "Tickets.class", "truncated", "at byte")


def test_a_constant_pool_index_out_of_range_is_a_located_exit_3(
    world: World, workspace: Release
) -> None:
    with zipfile.ZipFile(world.plugin) as jar:
        data = bytearray(jar.read("com/example/plugin/Tickets.class"))
    struct.pack_into(">H", data, 8, 3)  # a pool of 2 entries: every later index is out of range
    _rewrite(workspace, {"com/example/plugin/Tickets.class": bytes(data)})
    _located_exit_3(_verify(workspace, world), workspace, "Tickets.class", "at byte")


def test_a_class_that_inflates_a_thousandfold_is_refused_by_name(
    world: World, workspace: Release
) -> None:
    _rewrite(workspace, {"com/example/plugin/Bomb.class": bytes(50 << 20)})  # ~50 KB deflated
    _located_exit_3(_verify(workspace, world), workspace, "Bomb.class", "at most")


def test_a_class_that_lies_about_its_size_is_stopped_at_its_bound(
    world: World, workspace: Release
) -> None:
    _rewrite(workspace, {"com/example/plugin/Liar.class": bytes(20 << 20)})
    path = workspace.root / ARTIFACT
    raw = bytearray(path.read_bytes())
    _patch_sizes(raw, "com/example/plugin/Liar.class", 100)
    path.write_bytes(bytes(raw))
    run = _verify(workspace, world)
    _located_exit_3(run, workspace, "Liar.class")
    message = json.loads(run.out)["diagnostics"][0]["message"]
    assert "zip bomb" in message or "is damaged" in message, message  # never all 20 MB read


def _patch_sizes(raw: bytearray, name: str, size: int) -> None:
    """Declare `size` as the entry's uncompressed size in its local and central headers."""
    encoded = name.encode()
    headers = ((b"PK\x03\x04", 26, 30, 22), (b"PK\x01\x02", 28, 46, 24))
    for signature, length_at, name_at, size_at in headers:
        at = raw.find(signature)
        while at >= 0:
            length = struct.unpack_from("<H", raw, at + length_at)[0]
            if raw[at + name_at : at + name_at + length] == encoded:
                struct.pack_into("<I", raw, at + size_at, size)
            at = raw.find(signature, at + 4)


def test_a_zip_bomb_of_many_classes_is_refused_quickly(
    world: World, workspace: Release, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Thousands of small classes within every per-entry bound: the artifact's budget stops it."""
    from publisher.bytecode import plugin

    monkeypatch.setattr(plugin, "PLUGIN_BUDGET", plugin.Budget(classes=500, bytes=1 << 30))
    with zipfile.ZipFile(world.plugin) as jar:
        data = jar.read("com/example/plugin/Tickets.class")
    _rewrite(workspace, {f"com/example/plugin/C{i}.class": data for i in range(600)})
    _located_exit_3(_verify(workspace, world), workspace, "more than 500 class files")


def test_a_damaged_nested_jar_is_a_located_exit_3(world: World, workspace: Release) -> None:
    _rewrite(workspace, {"META-INF/lib/shout.jar": b"PK\x03\x04 not really a jar"})
    _located_exit_3(_verify(workspace, world), workspace, "META-INF/lib/shout.jar")


@pytest.mark.parametrize(
    ("against", "says"),
    [
        ("jira=11.0.0", "is not PRODUCT=VERSION:PATH"),
        ("jira:hosts", "is not PRODUCT=VERSION:PATH"),
        ("confluence=9.0.0:{host}", "which release.yml's compatibility does not list"),
        ("jira=11.0.0:{missing}", "does not exist"),
        ("jira=11.0.0:{empty}", "no class files found there"),
        ("jira=11.0.0:{damaged}", "is not a readable jar"),
        ("jira=11.0.0:{not_surface}", "not a surface file"),
    ],
)
def test_a_bad_against_is_exit_2_saying_what_is_wrong(
    world: World, workspace: Release, tmp_path: Path, against: str, says: str
) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "damaged.jar").write_bytes(b"PK\x03\x04" + bytes(100))
    with gzip.open(tmp_path / "other.gz", "wt") as other:
        other.write('{"format": "something else"}')
    given = against.format(
        host=world.host_v1,
        missing=tmp_path / "nowhere",
        empty=tmp_path / "empty",
        damaged=tmp_path / "damaged.jar",
        not_surface=tmp_path / "other.gz",
    )
    run = verify("compat", "verify", str(workspace.path), "--against", given, "--json")
    assert run.code == 2, run.text
    assert says in json.loads(run.out)["error"]
    assert "Traceback" not in run.text


def test_no_against_is_exit_2(workspace: Release) -> None:
    run = verify("compat", "verify", str(workspace.path))
    assert run.code == 2 and "at least one --against" in run.text


def test_a_surface_file_of_another_version_is_refused_naming_both(
    workspace: Release, tmp_path: Path
) -> None:
    old = tmp_path / "old.surface"
    with gzip.open(old, "wt") as out:
        out.write('{"format": "mpac-publisher-surface", "version": 0}')
    run = verify("compat", "verify", str(workspace.path), "--against", f"jira=1.0:{old}")
    assert run.code == 2
    assert "a surface file of version 0; this mpac-publisher reads version 1" in run.text


def test_compat_surface_refuses_a_missing_path_and_an_unwritable_output(
    world: World, tmp_path: Path
) -> None:
    missing = verify("compat", "surface", str(tmp_path / "nowhere"), "-o", str(tmp_path / "s"))
    assert missing.code == 2 and "does not exist" in missing.text
    output = tmp_path / "no-such-dir" / "s.surface"
    unwritable = verify("compat", "surface", str(world.host_v1), "-o", str(output), "--json")
    assert unwritable.code == 2
    assert "cannot be written" in json.loads(unwritable.out)["error"]
    assert "Traceback" not in missing.text + unwritable.text


def test_an_artifact_without_classes_of_its_own_is_never_compatible(
    world: World, workspace: Release
) -> None:
    """An OBR carries its plugin jar inside; verifying nothing must not say "compatible"."""
    path = workspace.root / ARTIFACT
    with zipfile.ZipFile(path) as old:
        xml = old.read("atlassian-plugin.xml")
    with zipfile.ZipFile(path, "w") as obr:
        obr.writestr("atlassian-plugin.xml", xml)
        obr.writestr("timesheets.jar", world.plugin.read_bytes())
    _located_exit_3(_verify(workspace, world), workspace, "has no class files of its own")
