"""The bad-input generators of tests/config/test_bad_input_properties.py at a larger count.

Prints the cases run per generator and the exit codes seen; any traceback or unlocated message
fails the run with hypothesis's minimal example.
Usage: python benchmarks/fuzz_bad_input.py [--examples 1000]
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--examples", type=int, default=1000)
    args = parser.parse_args()
    os.environ["MPAC_FUZZ_EXAMPLES"] = str(args.examples)
    sys.path.insert(0, str(ROOT))
    import tests.config.test_bad_input_properties as fuzz

    codes: collections.Counter[int] = collections.Counter()
    original = fuzz.check

    def counting(repo, kind, command="validate"):  # type: ignore[no-untyped-def]
        code, text = original(repo, kind, command)
        codes[code] += 1
        return code, text

    fuzz.check = counting
    started = time.perf_counter()
    for name in dir(fuzz):
        if name.startswith("test_") and name != "test_case_counts":
            getattr(fuzz, name)()
    took = time.perf_counter() - started
    print(f"{sum(fuzz.COUNTS.values())} cases in {took:.0f} s, no traceback, every error located")
    for kind, count in sorted(fuzz.COUNTS.items()):
        print(f"  {count:6d}  {kind}")
    print("exit codes: " + ", ".join(f"{code}: {n}" for code, n in sorted(codes.items())))


if __name__ == "__main__":
    main()
