"""Start-up cost: `mpac-publisher validate examples/release.yml` vs `python -c pass`.

Prints the median wall time of each over N runs, and what the command imports most.
Usage: python benchmarks/startup.py [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(argv: list[str], runs: int) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True, cwd=ROOT)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    python = sys.executable
    example = str(ROOT / "examples" / "release.yml")
    baseline = timed([python, "-c", "pass"], runs)
    validate = timed([python, "-m", "publisher", "validate", example], runs)
    version = timed([python, "-m", "publisher", "--version"], runs)
    print(f"python -c pass:                  {baseline * 1000:7.1f} ms (median of {runs})")
    print(f"mpac-publisher --version:        {version * 1000:7.1f} ms")
    print(f"mpac-publisher validate example: {validate * 1000:7.1f} ms")
    print(f"validate overhead over python:   {(validate - baseline) * 1000:7.1f} ms")
    env = {**os.environ, "PYTHONPROFILEIMPORTTIME": "1"}
    trace = subprocess.run(
        [python, "-X", "importtime", "-m", "publisher", "validate", example],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
    ).stderr
    rows = []
    for line in trace.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            rows.append((int(parts[1]), parts[2].rstrip()))
    print("largest cumulative imports (ms):")
    for cumulative, name in sorted(rows, reverse=True)[:8]:
        print(f"  {cumulative / 1000:7.1f}  {name.strip()}")


if __name__ == "__main__":
    main()
