"""`compat verify` at scale (issue #22): a plugin of 10,000 classes against a host of 100,000.

The class files are generated here (valid class files: constant pool, members, code that calls
host methods and reads host fields), the host as 4 jars of 25,000 classes in a directory. Each
case runs the real CLI in a child process: wall time and peak RSS (ru_maxrss of the child).
Cases: verify against the jars; `compat surface` writing the surface file; verify against the
surface file. `--scale 0.5` runs half the sizes, to see the cost grow linearly.
Usage: python benchmarks/compat_verify.py [--scale 1.0] [--plugin 10000] [--host 100000]
"""

from __future__ import annotations

import argparse
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.artifacts import PLUGIN_XML  # noqa: E402

CALLS = 6  # host methods each plugin class calls


class _Pool:
    """A constant pool under construction: each entry once."""

    def __init__(self) -> None:
        self.entries: list[bytes] = []
        self.index: dict[bytes, int] = {}

    def add(self, entry: bytes) -> int:
        if entry not in self.index:
            self.entries.append(entry)
            self.index[entry] = len(self.entries)
        return self.index[entry]

    def utf8(self, text: str) -> int:
        raw = text.encode()
        return self.add(b"\x01" + struct.pack(">H", len(raw)) + raw)

    def cls(self, name: str) -> int:
        return self.add(b"\x07" + struct.pack(">H", self.utf8(name)))

    def ref(self, tag: int, owner: str, name: str, descriptor: str) -> int:
        nat = self.add(b"\x0c" + struct.pack(">HH", self.utf8(name), self.utf8(descriptor)))
        return self.add(bytes([tag]) + struct.pack(">HH", self.cls(owner), nat))


def class_file(name: str, super_name: str, methods: list[tuple[str, str, bytes | None]]) -> bytes:
    """A class with the given methods (name, descriptor, code or None) and two int fields."""
    pool = _Pool()
    this, parent, code_name = pool.cls(name), pool.cls(super_name), pool.utf8("Code")
    members = []
    for method, descriptor, code in methods:
        head = struct.pack(">HHH", 0x0001, pool.utf8(method), pool.utf8(descriptor))
        if code is None:
            members.append(head + struct.pack(">H", 0))
            continue
        body = struct.pack(">HHI", 4, 2, len(code)) + code + struct.pack(">HH", 0, 0)
        members.append(head + struct.pack(">HHI", 1, code_name, len(body)) + body)
    fields = [struct.pack(">HHHH", 0x0009, pool.utf8(f"f{i}"), pool.utf8("I"), 0) for i in (0, 1)]
    return (
        struct.pack(">IHHH", 0xCAFEBABE, 0, 61, len(pool.entries) + 1)
        + b"".join(pool.entries)
        + struct.pack(">HHHH", 0x0021, this, parent, 0)
        + struct.pack(">H", len(fields))
        + b"".join(fields)
        + struct.pack(">H", len(members))
        + b"".join(members)
        + struct.pack(">H", 0)
    )


def host_name(i: int) -> str:
    return f"com/bench/host/p{i // 500}/Host{i}"


def host_class(i: int) -> bytes:
    parent = host_name(i - 1) if i % 10 else "java/lang/Object"  # chains of 10: inheritance
    methods = [(f"get{k}", "(I)Ljava/lang/String;", None) for k in range(5)]
    return class_file(host_name(i), parent, [("<init>", "()V", None), *methods])


def plugin_class(j: int, hosts: int) -> bytes:
    calls = [((j * 7919 + k * 104729) % hosts, k % 5) for k in range(CALLS)]
    name = f"com/bench/plugin/p{j // 500}/Plugin{j}"
    return _plugin_bytes(name, calls)


def _plugin_bytes(name: str, calls: list[tuple[int, int]]) -> bytes:
    """One class whose run()V calls host methods and reads a host field (so the pool matches)."""
    pool = _Pool()
    this, parent, code_name = pool.cls(name), pool.cls("java/lang/Object"), pool.utf8("Code")
    code = b""
    for host, method in calls:
        index = pool.ref(10, host_name(host), f"get{method}", "(I)Ljava/lang/String;")
        code += b"\xb6" + struct.pack(">H", index)  # invokevirtual
    code += b"\xb2" + struct.pack(">H", pool.ref(9, host_name(calls[0][0]), "f0", "I"))
    code += b"\xb1"  # return
    run_name, run_desc = pool.utf8("run"), pool.utf8("()V")
    body = struct.pack(">HHI", 4, 2, len(code)) + code + struct.pack(">HH", 0, 0)
    method = struct.pack(">HHHH", 0x0001, run_name, run_desc, 1)
    method += struct.pack(">HI", code_name, len(body)) + body
    return (
        struct.pack(">IHHH", 0xCAFEBABE, 0, 61, len(pool.entries) + 1)
        + b"".join(pool.entries)
        + struct.pack(">HHHH", 0x0021, this, parent, 0)
        + struct.pack(">HH", 0, 1)
        + method
        + struct.pack(">H", 0)
    )


def write_world(root: Path, plugin: int, host: int) -> tuple[Path, Path]:
    """A workspace (examples/ + the generated plugin artifact) and a host directory of jars."""
    workspace = root / "repo"
    shutil.copytree(ROOT / "examples", workspace)
    (workspace / ".git").mkdir()
    artifact = workspace / "target" / "timesheets-2.4.0.jar"
    artifact.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(artifact, "w", zipfile.ZIP_DEFLATED) as jar:
        xml = PLUGIN_XML.format(
            key="com.example.timesheets", name="Bench", version="2.4.0", licensing="true"
        )
        jar.writestr("atlassian-plugin.xml", xml)
        for j in range(plugin):
            jar.writestr(f"com/bench/plugin/p{j // 500}/Plugin{j}.class", plugin_class(j, host))
    hosts = root / "host"
    hosts.mkdir()
    per_jar = 25_000
    for first in range(0, host, per_jar):
        with zipfile.ZipFile(
            hosts / f"host-{first // per_jar}.jar", "w", zipfile.ZIP_DEFLATED
        ) as jar:
            for i in range(first, min(host, first + per_jar)):
                jar.writestr(f"{host_name(i)}.class", host_class(i))
    return workspace, hosts


def timed(*argv: str) -> tuple[float, float, float, int]:
    """(wall s, CPU s, peak MB, exit code) of one CLI run in a child process (its own rusage).
    CPU time is what the run itself costs: on a shared machine wall time also counts the waits
    for a core."""
    script = "import sys; from publisher.cli import main; sys.exit(main(sys.argv[1:]))"
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-c", script, *argv],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "NO_COLOR": "1"},
        )
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode not in (0, 12):
            out.seek(0)
            sys.stderr.write(out.read().decode()[-3000:])
    cpu = usage.ru_utime + usage.ru_stime
    return seconds, cpu, usage.ru_maxrss / 1024, child.returncode


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--plugin", type=int, default=10_000)
    parser.add_argument("--host", type=int, default=100_000)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    plugin, host = int(args.plugin * args.scale), int(args.host * args.scale)
    with tempfile.TemporaryDirectory() as scratch:
        started = time.perf_counter()
        workspace, hosts = write_world(Path(scratch), plugin, host)
        print(
            f"generated {plugin} plugin and {host} host classes in "
            f"{time.perf_counter() - started:.1f} s"
        )
        release, surface = str(workspace / "release.yml"), str(Path(scratch) / "host.surface")
        cases = [
            ("surface: write the surface file", ("compat", "surface", str(hosts), "-o", surface)),
            (
                "verify against the surface file",
                ("compat", "verify", release, "--against", f"jira=11.0.0:{surface}"),
            ),
            (
                "verify against the jars",
                ("compat", "verify", release, "--against", f"jira=11.0.0:{hosts}"),
            ),
        ]
        for label, argv in cases:
            seconds, cpu, peak, code = timed(*argv)
            print(
                f"{label:34} {seconds:6.2f} s wall, {cpu:6.2f} s CPU, "
                f"peak RSS {peak:6.1f} MB, exit {code}"
            )
        size = os.path.getsize(surface) / 1e6
        print(f"surface file: {size:.1f} MB for {host} classes")
        print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
