"""Upload throughput to the sandbox on loopback: our streaming upload (multipart + sha512 in the
same read, the code `publish` uses) vs `curl -F file=@...` to the same endpoint, same file.

Usage: python benchmarks/upload_throughput.py [--size-mb 200] [--rounds 3]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    from benchmarks.publish_memory import make_jar
    from benchmarks.sandbox_process import sandbox_process
    from publisher.marketplace.client import Marketplace
    from publisher.marketplace.connection import Connection, Credentials
    from publisher.marketplace.session import Timeouts
    from publisher.marketplace.uploads import artifact_content_type, send_file

    parser = argparse.ArgumentParser()
    parser.add_argument("--size-mb", type=float, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    curl = shutil.which("curl")
    with tempfile.TemporaryDirectory() as tmp, sandbox_process() as (url, user, token):
        jar = make_jar(Path(tmp) / "app.jar", args.size_mb)
        size = jar.stat().st_size
        connection = Connection(url, Credentials(user, token))
        client = Marketplace(connection, timeouts=Timeouts(upload_read=600))
        ours, theirs = [], []
        for _ in range(args.rounds):
            started = time.perf_counter()
            send_file(client, "/artifacts", jar, artifact_content_type(jar))
            ours.append(time.perf_counter() - started)
            if curl:
                started = time.perf_counter()
                subprocess.run(
                    [
                        curl,
                        "-sS",
                        "-o",
                        "/dev/null",
                        "-u",
                        f"{user}:{token}",
                        "-F",
                        f"file=@{jar}",
                        f"{url}/rest/3/artifacts",
                    ],
                    check=True,
                )
                theirs.append(time.perf_counter() - started)
    mb = size / 1e6
    ours_rate = mb / statistics.median(ours)
    print(f"file: {mb:.0f} MB, {args.rounds} rounds, median")
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
