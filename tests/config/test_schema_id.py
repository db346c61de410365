"""The README tells editors where the release.yml schema lives (`# yaml-language-server:
$schema=...`); the schema names itself by the same address (`$id`), and that address is the file
in this repository, so an editor that follows it gets the schema `mpac-publisher schema` prints."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RAW = "https://raw.githubusercontent.com/mpac-publisher/mpac-publisher/main/"


def test_the_readme_schema_url_is_the_schema_id_and_names_the_file_here() -> None:
    (url,) = set(re.findall(r"\$schema=(\S+)", (ROOT / "README.md").read_text()))
    printed = subprocess.run(
        [sys.executable, "-m", "publisher", "schema"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert json.loads(printed.stdout)["$id"] == url
    assert url.startswith(RAW) and (ROOT / url.removeprefix(RAW)).is_file()
