"""Release notes at size: wall time and peak memory of `mpac-publisher plan` (offline, a dry run)
for a changelog whose section for the version is N MB, and the renderer alone.

The section has the shape of a real changelog, repeated: `###` headings, bullets with inline
code, emphasis and links, fenced code blocks and paragraphs. Each `plan` runs in a fresh child
process; its peak RSS is the child's ru_maxrss.
Usage: python benchmarks/release_notes.py [--sizes 1 4.9]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_MEASURE = """
import resource, subprocess, sys, time
started = time.perf_counter()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE).returncode
took = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(code, took, usage.ru_utime + usage.ru_stime, usage.ru_maxrss)
"""

_BLOCK = """\
### Added {n}
- Export to **CSV** and *XLSX* from the [report page](https://example.com/docs/report-{n}).
- A `--since` option for `timesheet export`, see [#{n}](https://example.com/issues/{n}).
- Approvers get a daily digest (settings: `digest.enabled = true`).

### Fixed
1. Weekly totals no longer double-count overnight shifts ([#{n}1](https://example.com/i/{n}1)).
2. The approvals page loads for teams with more than 500 members.

```java
Timesheet sheet = service.load(user, week);
sheet.approve(approver); // issue {n}
```

Upgrade notes: run the re-index once; it takes about a minute per 10,000 worklogs.

"""


def section(megabytes: float) -> str:
    """A changelog section body of about `megabytes` MB (10^6 bytes) of realistic Markdown."""
    target = int(megabytes * 1_000_000)
    parts, size, n = [], 0, 0
    while size < target:
        block = _BLOCK.format(n=n)
        parts.append(block)
        size += len(block.encode())
        n += 1
    return "".join(parts)[:target].rsplit("\n", 1)[0] + "\n"


def changelog(megabytes: float) -> str:
    return (
        "# Changelog\n\n## [2.4.0] - 2026-11-20\n\n"
        + section(megabytes)
        + "\n## [2.3.1] - 2026-10-02\n\n- older\n"
    )


def project(where: Path, megabytes: float) -> Path:
    """A copy of examples/ whose CHANGELOG.md has a section of `megabytes` for 2.4.0."""
    shutil.copytree(ROOT / "examples", where, dirs_exist_ok=True)
    (where / ".git").mkdir(exist_ok=True)
    (where / "CHANGELOG.md").write_text(changelog(megabytes), encoding="utf-8")
    return where / "release.yml"


def plan_run(release: Path) -> tuple[int, float, float, int]:
    """(exit code, wall seconds, CPU seconds, peak RSS in kB) of one offline `plan` in a fresh
    process; CPU time says more than wall time on a machine shared with other jobs."""
    argv = [sys.executable, "-m", "publisher", "plan", str(release)]
    out = subprocess.run(
        [sys.executable, "-c", _MEASURE, *argv], capture_output=True, text=True, check=True
    ).stdout.split()
    return int(out[0]), float(out[1]), float(out[2]), int(out[3])


def render_time(megabytes: float) -> float:
    from publisher.publish.notes import notes_html

    text = section(megabytes)
    started = time.process_time()  # CPU seconds: this process only, whatever else runs
    notes_html(text, "markdown")
    return time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=float, nargs="+", default=[1.0, 4.9])
    parser.add_argument("--runs", type=int, default=3, help="best of N for each figure")
    args = parser.parse_args()
    for megabytes in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            release = project(Path(tmp), megabytes)
            runs = [plan_run(release) for _ in range(args.runs)]
        codes = sorted({run[0] for run in runs})
        seconds = min(run[1] for run in runs)
        cpu = min(run[2] for run in runs)
        peak = min(run[3] for run in runs) / 1024
        render = min(render_time(megabytes) for _ in range(args.runs))
        print(
            f"{megabytes:4.1f} MB section: plan {seconds:6.2f} s ({cpu:6.2f} s CPU), peak "
            f"{peak:6.1f} MB (exit {codes}); notes_html alone {render:5.2f} s CPU "
            f"(best of {args.runs})"
        )


if __name__ == "__main__":
    main()
