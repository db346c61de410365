"""Real Java for the bytecode tests: sources compiled with the JDK's javac, packed into jars with
the manifest and nested jars a test asks for. Tests skip, saying why, where javac is missing
(scripts/test installs openjdk-17-jdk-headless when it may)."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

JAVAC = shutil.which("javac")


def compile_java(sources: dict[str, str], out: Path, classpath: list[Path] = ()) -> Path:  # type: ignore[assignment]
    """Write `sources` (path -> text) under out/src and compile them into out/classes."""
    if JAVAC is None:
        pytest.skip("javac not found: install openjdk-17-jdk-headless (scripts/test does)")
    src, classes = out / "src", out / "classes"
    files = []
    for relative, text in sources.items():
        path = src / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        files.append(str(path))
    classes.mkdir(parents=True, exist_ok=True)
    # A client JIT and serial GC: javac's start-up is most of its time on a busy 2-core machine.
    quick = ["-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC", "-J-Xshare:auto"]
    command = [JAVAC, *quick, "-nowarn", "--release", "17", "-d", str(classes)]
    if classpath:
        command += ["-cp", ":".join(map(str, classpath))]
    done = subprocess.run(
        [*command, *files], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    return classes


def jar(
    path: Path,
    classes: Path,
    *,
    manifest: dict[str, str] | None = None,
    files: dict[str, bytes | str] | None = None,
    only: str = "",
) -> Path:
    """A jar of the class files under `classes` (those under `only`, when given)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        headers = {"Manifest-Version": "1.0", **(manifest or {})}
        text = "".join(_wrapped(f"{k}: {v}") for k, v in headers.items())
        out.writestr("META-INF/MANIFEST.MF", text)
        for found in sorted(classes.rglob("*.class")):
            name = found.relative_to(classes).as_posix()
            if name.startswith(only):
                out.write(found, name)
        for name, data in (files or {}).items():
            out.writestr(name, data)
    return path


def _wrapped(line: str) -> str:
    """A manifest line as the jar tool writes it: 72 bytes, then continuation lines (a space)."""
    raw, parts = line.encode(), []
    parts.append(raw[:72])
    raw = raw[72:]
    while raw:
        parts.append(b" " + raw[:71])
        raw = raw[71:]
    return "".join(part.decode() + "\r\n" for part in parts)
