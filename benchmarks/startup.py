"""Start-up cost: `mpac-publisher --version`, `validate` and an offline `plan` of the example,
next to `python -c pass`.

Each command runs N times in a fresh process; the figures are the best wall time and the best CPU
time (user + system, from the child's rusage: on a machine shared with other jobs it moves far
less than wall time). Bytecode is cached in a temporary PYTHONPYCACHEPREFIX, as an installed
package has it, even where PYTHONDONTWRITEBYTECODE is set. Then: what `validate` imports most.
Usage: python benchmarks/startup.py [--runs 20]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def measured(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one run."""
    started = time.perf_counter()
    child = subprocess.Popen(
        argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(argv)} failed")
    return wall, usage.ru_utime + usage.ru_stime


def largest_imports(argv: list[str], env: dict[str, str], count: int = 8) -> list[str]:
    trace = subprocess.run(
        [argv[0], "-X", "importtime", *argv[1:]], capture_output=True, text=True, cwd=ROOT, env=env
    ).stderr
    rows = []
    for line in trace.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            rows.append((int(parts[1]), parts[2].rstrip()))
    biggest = sorted(rows, reverse=True)[:count]
    return [f"  {us / 1000:7.1f}  {name.strip()}" for us, name in biggest]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    runs = parser.parse_args().runs
    python = sys.executable
    example = str(ROOT / "examples" / "release.yml")
    cases = {
        "python -c pass": [python, "-c", "pass"],
        "mpac-publisher --version": [python, "-m", "publisher", "--version"],
        "mpac-publisher validate example": [python, "-m", "publisher", "validate", example],
        "mpac-publisher plan example (offline)": [python, "-m", "publisher", "plan", example],
    }
    with tempfile.TemporaryDirectory() as cache:
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("PYTHONDONTWRITEBYTECODE", "MPAC_USER", "MPAC_TOKEN", "GITHUB_ACTIONS")
        }
        env |= {"PYTHONPYCACHEPREFIX": cache, "NO_COLOR": "1"}
        for argv in cases.values():
            measured(argv, env)  # compiles the bytecode once
        samples: dict[str, list[tuple[float, float]]] = {name: [] for name in cases}
        for _ in range(runs):  # interleaved, so a busy moment hits every case alike
            for name, argv in cases.items():
                samples[name].append(measured(argv, env))
        for name, found in samples.items():
            wall = min(w for w, _ in found) * 1000
            cpu = min(c for _, c in found) * 1000
            print(f"{name:40} {wall:7.1f} ms wall, {cpu:7.1f} ms CPU (best of {runs})")
        print("largest cumulative imports of validate (ms):")
        print("\n".join(largest_imports(cases["mpac-publisher validate example"], env)))


if __name__ == "__main__":
    main()
