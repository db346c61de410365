"""Upload throughput to the sandbox on loopback: our streaming upload (multipart + sha512 in the
same read, the code `publish` uses) vs `curl -F file=@...` to the same endpoint, same file, for
each size in one run, interleaved round by round (a busy moment slows both alike). Per size it
prints the best-of and median times and ratios, and the CPU seconds of our process, of curl and
of the sandbox per upload (the sandbox's from /proc, on Linux). With --profile, the first of our
uploads of each size runs under cProfile and the functions that took the most time are printed.

Sizes are in MiB, as the jar's payload: 200 and 238 are files of 210 MB and 249.6 MB (just under
Marketplace's 250 MB artifact limit). Each size gets a fresh sandbox, which keeps every artifact
uploaded on disk until it stops (about 2 x rounds x size).

Usage: python benchmarks/upload_throughput.py [--sizes 200 238] [--rounds 5] [--profile]

Figures (2026-12-03, the 2-CPU machine; `--rounds 5`; CPU s are medians per upload).
  Quiet machine (load 0.1), two runs, requests-toolbelt's encoder, sha512 on a helper thread:
    249.6 MB: ratio best-of / median 0.98 / 1.07 and 1.02 / 0.97 (~420-450 MB/s);
    210 MB: 1.08 / 1.00 and 1.02 / 0.98.
  One core held by a busy loop, 249.6 MB: 0.86 / 0.82 with the encoder; 0.72-0.91 / 0.76-0.92 with
    a streamed body of our own tried in its place (it saved ~0.05 s CPU per upload, nothing in
    wall time, so the library stays).
  CPU of our process, 249.6 MB: 0.43-0.49 s; curl 0.09-0.12 s; the sandbox 0.55-0.66 s for either.
Where the time goes (--profile, 249.6 MB): 89% of our wall time is `sendall` waiting for the
sandbox. The blocks are 256 KiB already (956 sendall calls; marketplace/session.UPLOAD_BLOCK),
so http.client's 8-16 KiB default is not the cause; a 4 MiB SO_SNDBUF and 1 MiB blocks changed
nothing beyond the noise.
Which it is: neither size nor the client. The sandbox is CPU-bound (its own sha512, a temp file,
the multipart parse: ~0.55 s per 249.6 MB) and paces both clients, so on a quiet machine the ratio
is ~1 at both sizes; once another job holds a core, the sandbox shares the other with us and wall
time tends to the two CPU times added: (0.55 + 0.09) / (0.55 + 0.45) = 0.65 at worst. Our CPU
is sha512 (0.34 s: 720 MB/s, of exactly the bytes sent) plus ~0.1 s of reads and sends, about
curl's whole 0.09 s; short of not hashing, no client change lifts that bound under load.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


@dataclass
class Runs:
    """Per upload: wall seconds, CPU seconds of the uploader, CPU seconds of the sandbox."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    sandbox_cpu: list[float] = field(default_factory=list)


def process_cpu(pid: int) -> float:
    """utime + stime of a running process, or NaN where /proc is missing."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measured(runs: Runs, sandbox_pid: int, cpu: Callable[[], float], call: Callable[[], object]):
    sandbox0, cpu0, started = process_cpu(sandbox_pid), cpu(), time.perf_counter()
    call()
    runs.wall.append(time.perf_counter() - started)
    runs.cpu.append(cpu() - cpu0)
    runs.sandbox_cpu.append(process_cpu(sandbox_pid) - sandbox0)


def curl_upload(curl: str, url: str, user: str, token: str, jar: Path) -> None:
    subprocess.run(
        [curl, "-sS", "-o", "/dev/null", "-u", f"{user}:{token}", "-F", f"file=@{jar}",
         f"{url}/rest/3/artifacts"],
        check=True,
    )  # fmt: skip


def profiled(call: Callable[[], object]) -> str:
    """`call` under cProfile: the 12 functions with the most time of their own."""
    profile = cProfile.Profile()
    profile.runcall(call)
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(12)
    return out.getvalue()


def main() -> None:
    from benchmarks.publish_memory import make_jar
    from benchmarks.sandbox_process import sandbox_process
    from publisher.marketplace.client import Marketplace
    from publisher.marketplace.connection import Connection, Credentials
    from publisher.marketplace.session import Timeouts
    from publisher.marketplace.uploads import artifact_content_type, send_file

    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=float, nargs="+", default=[200, 238], help="MiB")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    curl = shutil.which("curl")
    with tempfile.TemporaryDirectory() as tmp:
        for size_mb in args.sizes:
            jar = make_jar(Path(tmp) / f"app-{size_mb:g}.jar", size_mb)
            started: list[subprocess.Popen[str]] = []
            with sandbox_process(started) as (url, user, token):
                pid = started[0].pid
                connection = Connection(url, Credentials(user, token))
                client = Marketplace(connection, timeouts=Timeouts(upload_read=600))
                upload = partial(send_file, client, "/artifacts", jar, artifact_content_type(jar))
                if args.profile:
                    print(profiled(upload))
                ours, theirs = Runs(), Runs()
                for _ in range(args.rounds):  # interleaved: a busy moment slows both alike
                    measured(ours, pid, time.process_time, upload)
                    if curl:
                        measured(
                            theirs,
                            pid,
                            children_cpu,
                            partial(curl_upload, curl, url, user, token, jar),
                        )
            report(jar.stat().st_size / 1e6, args.rounds, ours, theirs)
            jar.unlink()


def report(mb: float, rounds: int, ours: Runs, theirs: Runs) -> None:
    print(f"file: {mb:.1f} MB, {rounds} rounds (seconds best / median; CPU s median per upload)")
    for name, runs in (("mpac-publisher streaming upload", ours), ("curl -F file=@...", theirs)):
        if not runs.wall:
            print("curl is not installed: no comparison")
            continue
        best, median = min(runs.wall), statistics.median(runs.wall)
        print(
            f"  {name:32} {mb / best:6.1f} MB/s best ({best:.2f} / {median:.2f} s), "
            f"CPU {statistics.median(runs.cpu):.2f} s, sandbox CPU "
            f"{statistics.median(runs.sandbox_cpu):.2f} s"
        )
    if theirs.wall:
        best = min(theirs.wall) / min(ours.wall)
        median = statistics.median(theirs.wall) / statistics.median(ours.wall)
        print(f"  ratio (ours / curl): best-of {best:.2f}, median {median:.2f}")


if __name__ == "__main__":
    main()
