"""The class file reader against what javac really writes, and against class files that lie."""

from __future__ import annotations

import struct
import zipfile
from functools import partial
from pathlib import Path

import pytest

from publisher.bytecode.classfile import (
    DEPRECATED,
    EXPERIMENTAL,
    INTERNAL,
    read_class,
    read_summary,
)
from publisher.bytecode.errors import ClassFileProblem
from tests.bytecode.conftest import World


def _member(world: World, version: str, cls: str) -> bytes:
    host = world.host_v1 if version == "v1" else world.host_v2
    with zipfile.ZipFile(host) as jar:
        return jar.read(cls)


def _plugin_class(world: World, name: str) -> bytes:
    with zipfile.ZipFile(world.plugin) as jar:
        return jar.read(name)


def test_names_supertypes_members_and_marks_are_read_as_javac_wrote_them(world: World) -> None:
    issues = read_class(_member(world, "v2", "com/example/host/IssueService.class"))
    assert (issues.name, issues.super_name, issues.interfaces) == (
        "com/example/host/IssueService",
        "java/lang/Object",
        (),
    )
    marks = {m.name + m.descriptor: m.marks for m in issues.methods}
    assert marks == {
        "<init>()V": 0,
        "findIssue(J)Ljava/lang/String;": DEPRECATED,  # the attribute and the annotation
        "count()I": INTERNAL,  # CLASS retention: RuntimeInvisibleAnnotations
        "reindex()V": EXPERIMENTAL,  # RUNTIME retention: RuntimeVisibleAnnotations
        "<clinit>()V": 0,
    }
    assert [(f.name, f.descriptor) for f in issues.fields] == [("LIMIT", "I")]
    request = read_class(_member(world, "v1", "javax/servlet/http/HttpServletRequest.class"))
    assert request.is_interface and not issues.is_interface


def test_each_reference_names_the_plugin_method_whose_code_makes_it(world: World) -> None:
    tickets = read_class(_plugin_class(world, "com/example/plugin/Tickets.class"), with_uses=True)
    host = {
        (u.kind, u.owner, u.name, u.descriptor): u.user
        for u in tickets.uses
        if u.owner.startswith("com/example/host/")
    }
    assert host == {
        ("class", "com/example/host/IssueService", "", ""): "<init>()V",
        ("class", "com/example/host/LegacyHelper", "", ""): "legacy()Ljava/lang/String;",
        ("method", "com/example/host/IssueService", "<init>", "()V"): "<init>()V",
        ("method", "com/example/host/IssueService", "findIssue", "(J)Ljava/lang/String;"): (
            "show(J)Ljava/lang/String;"
        ),
        ("method", "com/example/host/IssueService", "deleteIssue", "(J)V"): "close(J)V",
        ("method", "com/example/host/IssueService", "count", "()I"): "total()I",
        ("method", "com/example/host/IssueService", "reindex", "()V"): "rebuild()V",
        ("method", "com/example/host/LegacyHelper", "help", "()Ljava/lang/String;"): (
            "legacy()Ljava/lang/String;"
        ),
        ("field", "com/example/host/IssueService", "LIMIT", "I"): "show(J)Ljava/lang/String;",
    }


def test_every_truncation_of_a_real_class_is_a_located_problem(world: World) -> None:
    """Both readers: the plugin's (with its references) and the host's (read_summary)."""
    data = _plugin_class(world, "com/example/plugin/SearchAction.class")
    readers = (partial(read_class, with_uses=True), read_summary)
    for length in range(len(data)):  # bounded: two parses per prefix
        for reader in readers:
            with pytest.raises(ClassFileProblem) as raised:
                reader(data[:length])
            assert raised.value.offset <= len(data)
            assert "at byte" in str(raised.value)


def _pool_entry(data: bytes, wanted: int) -> int:
    """The offset of constant pool entry `wanted` (a Class entry is 3 bytes)."""
    at, index = 10, 1
    while index < wanted:
        tag = data[at]
        if tag == 1:
            at += 3 + struct.unpack_from(">H", data, at + 1)[0]
        else:
            at += 1 + {3: 4, 4: 4, 5: 8, 6: 8, 7: 2, 8: 2, 15: 3, 16: 2}.get(tag, 4)
            index += 1 if tag in (5, 6) else 0
        index += 1
    return at


def test_a_constant_pool_index_out_of_range_is_a_problem_naming_it(world: World) -> None:
    data = bytearray(_plugin_class(world, "com/example/plugin/Tickets.class"))
    count = struct.unpack_from(">H", data, 8)[0]
    this_class = struct.unpack_from(">H", data, _after_pool(bytes(data)) + 2)[0]
    at = _pool_entry(bytes(data), this_class)
    assert data[at] == 7
    struct.pack_into(">H", data, at + 1, count + 40)  # the class's name, past the pool
    with pytest.raises(ClassFileProblem, match=rf"index {count + 40} is out of range"):
        read_class(bytes(data))


def _after_pool(data: bytes) -> int:
    return _pool_entry(data, struct.unpack_from(">H", data, 8)[0])


def test_an_index_to_the_wrong_kind_of_entry_is_a_problem(world: World) -> None:
    data = bytearray(_plugin_class(world, "com/example/plugin/Tickets.class"))
    count = struct.unpack_from(">H", data, 8)[0]
    methodref = next(i for i in range(1, count) if data[_pool_entry(bytes(data), i)] == 10)
    struct.pack_into(">H", data, _after_pool(bytes(data)) + 2, methodref)  # this_class
    for with_uses in (True, False):  # a Methodref, or (not kept for a host) nothing
        with pytest.raises(ClassFileProblem, match=f"index {methodref} is not a Class entry"):
            read_class(bytes(data), with_uses=with_uses)


def test_not_a_class_file_is_said_so() -> None:
    with pytest.raises(ClassFileProblem, match="CAFEBABE"):
        read_class(b"PK\x03\x04" + bytes(40))


def test_an_absurd_tableswitch_is_refused_not_looped_over(tmp_path: Path) -> None:
    code = bytes([0xAA, 0, 0, 0]) + struct.pack(">iii", 0, -(2**31), 2**31 - 1)
    data = _class_with_code(code)
    with pytest.raises(ClassFileProblem, match="runs past the end"):
        read_class(data, with_uses=True)


def _class_with_code(code: bytes) -> bytes:
    """A minimal class `A` with one method `m()V` whose Code is `code`."""
    pool = [b"\x01" + struct.pack(">H", len(s)) + s for s in (b"A", b"m", b"()V", b"Code")]
    pool.insert(1, b"\x07\x00\x01")  # entry 2: Class A
    body = struct.pack(">HHI", 1, 1, len(code)) + code + struct.pack(">HH", 0, 0)
    method = struct.pack(">HHHH", 0x0001, 3, 4, 1) + struct.pack(">HI", 5, len(body)) + body
    return (
        struct.pack(">IHHH", 0xCAFEBABE, 0, 61, len(pool) + 1)
        + b"".join(pool)
        + struct.pack(">HHHHHH", 0x0021, 2, 0, 0, 0, 1)
        + method
        + struct.pack(">H", 0)
    )
