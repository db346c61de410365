"""The tool as an action checkout holds it (what `uses: mpac-publisher/mpac-publisher@<sha>` or
`uses: ./` gets), copied from this checkout for the act tests: the files action.yml's steps read
(requirements.lock for its locked install) and the package. One list, so no act test serves a
checkout the action could not install from."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FILES = ("action.yml", "pyproject.toml", "requirements.lock", "README.md", "LICENSE")


def copy_tool(into: Path) -> Path:
    """Copy the action's files and `publisher/` into `into` (made if missing); returns it."""
    into.mkdir(parents=True, exist_ok=True)
    for name in FILES:
        shutil.copy(ROOT / name, into / name)
    shutil.copytree(
        ROOT / "publisher", into / "publisher", ignore=shutil.ignore_patterns("__pycache__")
    )
    return into
