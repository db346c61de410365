"""Changelog parsing on hostile headings (issue #18): time per heading of N spaces.

The old heading regex backtracked: 5000 spaces took 95 s. The parser is now linear, so the time
grows in proportion to N.
Usage: python benchmarks/changelog_headings.py [--spaces 5000 20000 100000]
"""

from __future__ import annotations

import argparse
import contextlib
import time

from publisher.config.changelog import ChangelogError, section_for


def timed(spaces: int) -> float:
    text = "# a" + " " * spaces + "x\n- body\n## 1.0.0\n- old\n"
    started = time.perf_counter()
    with contextlib.suppress(ChangelogError):
        section_for(text, "9.9.9")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--spaces", type=int, nargs="+", default=[5_000, 20_000, 100_000])
    for spaces in parser.parse_args().spaces:
        print(f"heading with {spaces:>7} spaces: {timed(spaces) * 1000:8.2f} ms")


if __name__ == "__main__":
    main()
