"""Memory does not grow with the artifact: peak RSS of `mpac-publisher publish` (a real process)
with a 4 MB and a 48 MB artifact. The benchmark measures 50 and 200 MB (benchmarks/)."""

from __future__ import annotations

from pathlib import Path

from benchmarks.publish_memory import measure


def test_publish_memory_is_flat_in_the_artifact_size(tmp_path: Path) -> None:
    small = measure(4, tmp_path, naive=False)["publish_mb"]
    large = measure(48, tmp_path, naive=False)["publish_mb"]
    assert large - small < 8, f"peak RSS grew from {small:.1f} MB to {large:.1f} MB"
    assert large < 60
