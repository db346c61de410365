"""Without buildah (test_image_build.py builds the image for real): run the Dockerfile's own install
steps (parsed from the file) in a fresh virtual environment, then use the result the way the
image's ENTRYPOINT would."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _stages() -> list[list[str]]:
    stages: list[list[str]] = []
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    for line in text.splitlines():
        if line.startswith("FROM "):
            stages.append([])
        elif stages:
            stages[-1].append(line)
    return stages


def test_the_final_image_is_small_and_safe() -> None:
    _build, final = _stages()
    text = "\n".join(final)
    assert "USER 10001" in text and "WORKDIR /workspace" in text
    assert 'ENTRYPOINT ["mpac-publisher"]' in text
    assert "--no-cache-dir" in text and "rm -rf /wheels" in text
    assert "--require-hashes" in text and "-r /tmp/requirements.lock" in text
    assert not re.search(r"apt-get|gcc|build-essential", text)
    assert re.search(r"@sha256:[0-9a-f]{64}", (ROOT / "Dockerfile").read_text())


@pytest.mark.timeout(600)
def test_the_dockerfile_install_steps_work_in_a_fresh_environment(tmp_path: Path) -> None:
    build, final = _stages()
    src = tmp_path / "src"
    src.mkdir()
    for line in build:  # COPY pyproject.toml README.md ./  and  COPY publisher ./publisher
        if line.startswith("COPY "):
            *sources, _ = line.split()[1:]
            for name in sources:
                target = src / name
                if (ROOT / name).is_dir():
                    shutil.copytree(
                        ROOT / name, target, ignore=shutil.ignore_patterns("__pycache__")
                    )
                else:
                    shutil.copy(ROOT / name, target)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = str(venv / "bin" / "pip")
    wheels = tmp_path / "wheels"
    for line in [*build, *final]:
        if not line.startswith("RUN "):
            continue
        for command in line[4:].split("&&"):
            words = command.split()
            if words[:2] not in (["pip", "wheel"], ["pip", "install"], ["pip", "check"]):
                continue
            argv = [pip, *(w.replace("/wheels", str(wheels)) for w in words[1:])]
            argv = [
                a.replace("/tmp/requirements.lock", str(ROOT / "requirements.lock")) for a in argv
            ]
            argv = [str(next(wheels.glob(Path(a).name))) if "*" in a else a for a in argv]
            done = subprocess.run(argv, cwd=src, capture_output=True, text=True, check=False)
            assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    tool = str(venv / "bin" / "mpac-publisher")
    version = subprocess.run([tool, "--version"], capture_output=True, text=True, check=True)
    assert version.stdout.startswith("mpac-publisher ")
    checked = subprocess.run(
        [tool, "validate", str(ROOT / "examples" / "release.yml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_wheel_declares_the_spdx_license_and_carries_the_license_text(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    (wheel,) = tmp_path.glob("mpac_publisher-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata = next(archive.read(n).decode() for n in names if n.endswith("/METADATA"))
        license_text = next(archive.read(n).decode() for n in names if n.endswith("/LICENSE"))
    assert "License-Expression: Apache-2.0" in metadata.splitlines()
    assert "Apache License" in license_text and "Version 2.0, January 2004" in license_text


def test_the_lock_pins_every_runtime_dependency_of_the_package() -> None:
    """A dependency added to pyproject.toml but not to requirements.lock breaks the image build
    (--require-hashes refuses it): regenerate the lock with the command in its header."""
    import tomllib

    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    names = {re.split(r"[<>=!~;\[ ]", d, maxsplit=1)[0].lower().replace("_", "-") for d in declared}
    pinned = set(
        re.findall(r"^([a-z0-9][a-z0-9._-]*)==", (ROOT / "requirements.lock").read_text(), re.M)
    )
    assert names <= pinned, f"not in requirements.lock: {sorted(names - pinned)}"
