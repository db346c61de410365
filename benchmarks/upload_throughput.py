"""Upload throughput to the sandbox on loopback: our streaming upload (multipart + sha512 in the
same read, the code `publish` uses) vs `curl -F file=@...` to the same endpoint, same file, for
each size in one run (a rate and the ratio per size). With --profile, the first of our uploads
of each size runs under cProfile and the functions that took the most time are printed.

Sizes are in MiB, as the jar's payload: 200 and 238 are files of 210 MB and 249.6 MB (just under
Marketplace's 250 MB artifact limit).
Usage: python benchmarks/upload_throughput.py [--sizes 200 238] [--rounds 3] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def curl_upload(curl: str, url: str, user: str, token: str, jar: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [curl, "-sS", "-o", "/dev/null", "-u", f"{user}:{token}", "-F", f"file=@{jar}",
         f"{url}/rest/3/artifacts"],
        check=True,
    )  # fmt: skip
    return time.perf_counter() - started


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
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    curl = shutil.which("curl")
    with tempfile.TemporaryDirectory() as tmp, sandbox_process() as (url, user, token):
        connection = Connection(url, Credentials(user, token))
        client = Marketplace(connection, timeouts=Timeouts(upload_read=600))
        for size_mb in args.sizes:
            jar = make_jar(Path(tmp) / f"app-{size_mb:g}.jar", size_mb)
            upload = partial(send_file, client, "/artifacts", jar, artifact_content_type(jar))
            if args.profile:
                print(profiled(upload))
            ours, theirs = [], []
            for _ in range(args.rounds):  # interleaved: a busy moment slows both alike
                started = time.perf_counter()
                upload()
                ours.append(time.perf_counter() - started)
                if curl:
                    theirs.append(curl_upload(curl, url, user, token, jar))
            report(jar.stat().st_size / 1e6, args.rounds, ours, theirs)
            jar.unlink()


def report(mb: float, rounds: int, ours: list[float], theirs: list[float]) -> None:
    ours_rate = mb / statistics.median(ours)
    print(f"file: {mb:.0f} MB, {rounds} rounds, median")
    print(
        f"mpac-publisher streaming upload: {ours_rate:7.1f} MB/s ({statistics.median(ours):.2f} s)"
    )
    if theirs:
        curl_rate = mb / statistics.median(theirs)
        print(
            f"curl -F file=@...:              {curl_rate:7.1f} MB/s "
            f"({statistics.median(theirs):.2f} s)"
        )
        print(f"ratio (ours / curl):            {ours_rate / curl_rate:7.2f}")
    else:
        print("curl is not installed: no comparison")


if __name__ == "__main__":
    main()
