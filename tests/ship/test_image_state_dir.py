"""The image's state directory (read from the Dockerfile; test_image_build.py builds it for real):
writable by any user a CI runs the image as, and sticky like /tmp, so no user can replace or
remove another user's state files or plant links in their place."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_images_state_dir_is_sticky_or_private() -> None:
    text = (ROOT / "Dockerfile").read_text()
    state = re.search(r"MPAC_STATE_DIR=(\S+)", text)
    assert state, "the image sets MPAC_STATE_DIR"
    made = re.findall(rf"install -d -m (\d+) {re.escape(state.group(1))}\b", text)
    assert made, f"the Dockerfile makes {state.group(1)} with a mode"
    assert all(int(m, 8) in (0o1777, 0o700) for m in made), made
