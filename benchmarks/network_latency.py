"""Publish through added network latency: how many round trips each case costs, against the
lower bound set by the dependency graph of its requests.

For each case (first publish, unchanged re-run, notes update, first publish to two hostings) the
real CLI publishes to the sandbox (its own process) through `LatencyProxy` (benchmarks/
latency_proxy.py), once with no delay and once with DELAY seconds each way. The extra wall time
divided by the round-trip time (2 x DELAY) is the number of round trips the run waited for.

The lower bound is the longest chain of requests that must follow one another (`BOUNDS` below): one
round trip to open the first connection, then each request that needs an answer of another (the app
software id before its version, the live version before its artifact's checksum, the artifact id and
the product build numbers before the version is created, the version before its listing). Requests
that need nothing of each other can share a round trip. Each connection the client opens costs a
handshake round trip too (the proxy models TCP's; TLS adds more on a real network), so a step that
needs more connections in parallel than are open pays one more; the bound counts only the first (the
publisher opens the connections later rounds need during the first one: marketplace/prewarm.py).
Read-backs that only verify a write (reading a created version or listing) are not counted, so the
bound is what a client that overlaps everything it safely can, and trusts a 201, would achieve.

`--trace` prints each case's requests and connections on a time line in round trips (from the
sandbox's request journal and the proxy's accept times): where the round trips above the bound
go.

`--after` measures the commands after a release instead (status, compat check, yank, apps
--hosting over 25 and 500 apps: benchmarks/after_latency.py, with their bounds), with or without
`--trace`.

`--rate MBPS` instead measures upload throughput through a bandwidth cap: the publisher's
streaming upload vs `curl -F` through the same proxy.

Usage: python benchmarks/network_latency.py [--delay 0.05] [--rounds 3] [--trace] [--after]
       python benchmarks/network_latency.py --rate 20 --size-mb 40
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import after_latency  # noqa: E402
from benchmarks.latency_proxy import LatencyProxy  # noqa: E402
from benchmarks.publish_time import publish  # noqa: E402
from benchmarks.sandbox_process import sandbox_process  # noqa: E402

# The dependency chains, in round trips (see the module docstring).
BOUNDS: dict[str, tuple[int, str]] = {
    "first publish": (
        6,
        "connect; app-key lookup; GET version (404; the duplicate-number list could go beside it); "
        "artifact upload (images beside it); POST version; POST listing",
    ),
    "unchanged re-run": (
        4,
        "connect; app-key lookup (product versions beside it); GET version (listing beside it); "
        "GET artifact (its checksum proves the artifact equal)",
    ),
    "notes update": (
        5,
        "connect; app-key lookup; GET version (listing beside it); GET artifact (to keep it, its "
        "checksum must match); PUT version",
    ),
    "two hostings": (6, "as a first publish: the second hosting's requests run beside the first's"),
}


TLS_HANDSHAKE = 1  # TLS 1.3 opens a connection in one more round trip than TCP alone


def _port(url: str) -> int:
    return int(url.rsplit(":", 1)[1].split("/")[0])


def _repo(tmp: Path, name: str, edit: Callable[[Path], None] | None = None) -> Path:
    """A copy of examples/ (made once per name), edited by `edit`."""
    repo = tmp / name
    if not repo.exists():
        shutil.copytree(ROOT / "examples", repo)
        (repo / ".git").mkdir()
        if edit:
            edit(repo)
    return repo / "release.yml"


def _two_hostings(repo: Path) -> None:
    path = repo / "release.yml"
    text = path.read_text().replace("hosting: datacenter", "hosting: [datacenter, server]")
    path.write_text(text)


def _new_notes(repo: Path) -> None:
    path = repo / "CHANGELOG.md"
    path.write_text(path.read_text().replace("## [2.4.0]", "## [2.4.0]\n- One more line.", 1))


Observer = Callable[[str, float, str, LatencyProxy], None]  # case, wall time, sandbox URL, proxy


def _tls(folder: Path) -> tuple[ssl.SSLContext, Path]:
    """A server context with a fresh self-signed certificate for 127.0.0.1 (made by the openssl
    command), and the certificate, for the client to trust (REQUESTS_CA_BUNDLE)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        raise SystemExit("--tls needs the openssl command")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            *(openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1"),
            *("-addext", "subjectAltName=IP:127.0.0.1"),
        ],
        check=True,
        capture_output=True,
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context, cert


def case_times(
    delay: float, tls: bool = False, observe: Observer | None = None
) -> dict[str, tuple[float, int]]:
    """Wall time and requests of each case through a proxy with `delay` (ending TLS behind it
    with `tls`); a fresh sandbox per group. `observe` is called after each case."""
    results: dict[str, tuple[float, int]] = {}
    cases: list[list[tuple[str, Callable[[Path], None] | None, str | None]]] = [
        [
            ("first publish", None, None),
            ("unchanged re-run", None, "unchanged"),
            ("notes update", _new_notes, "updated"),
        ],
        [("two hostings", _two_hostings, None)],  # a sandbox of its own: a first publish too
    ]
    for group in cases:
        with tempfile.TemporaryDirectory() as tmp_name:
            tmp = Path(tmp_name)
            context, cert = _tls(tmp) if tls else (None, None)
            with (
                sandbox_process() as (url, user, token),
                LatencyProxy(("127.0.0.1", _port(url)), delay=delay, tls=context) as proxy,
            ):
                env = {
                    **os.environ,
                    "MPAC_API_URL": f"{'https' if tls else 'http'}://127.0.0.1:{proxy.port}",
                    "MPAC_USER": user,
                    "MPAC_TOKEN": token,
                    "MPAC_STATE_DIR": str(tmp / "state"),
                    "MPAC_UPLOAD_SPACING": "0",
                    "NO_COLOR": "1",
                }
                if cert:
                    env["REQUESTS_CA_BUNDLE"] = str(cert)  # trust the proxy's certificate
                for name, edit, expected in group:
                    config = _repo(tmp, name.replace(" ", "-") if edit else "release", edit)
                    del proxy.counters.opened[:]
                    took, report = publish(env, config)
                    if expected:
                        assert report["result"] == expected, (name, report["result"])
                    results[name] = (took, int(report["requests"]))  # type: ignore[call-overload]
                    if observe:
                        observe(name, took, url, proxy)
    return results


def _journal(url: str) -> list[dict[str, Any]]:
    with urllib.request.urlopen(f"{url}/_sandbox/journal", timeout=10) as answer:
        entries: list[dict[str, Any]] = json.load(answer)
    request = urllib.request.Request(f"{url}/_sandbox/journal", method="DELETE")
    urllib.request.urlopen(request, timeout=10).close()
    return entries


Cases = Callable[..., dict[str, tuple[float, int]]]  # case_times here, or after_latency's


def trace(delay: float, tls: bool, cases: Cases = case_times) -> None:
    """Each case's requests on a time line in round trips, with the connections it opened: where
    the round trips beyond the bound go."""
    rtt = 2 * delay

    def timeline(name: str, took: float, url: str, proxy: LatencyProxy) -> None:
        print(f"{name}: {took / rtt:.1f} round trips, the process start included")
        lines = [(at, "connect") for at in proxy.counters.opened]
        for entry in _journal(url):
            query = "?..." if entry["query"] else ""
            lines.append(
                (entry["started"], f"{entry['method']} {entry['path']}{query} {entry['status']}")
            )
        zero = min(at for at, _ in lines)
        for at, what in sorted(lines):
            print(f"  {(at - zero) / rtt:5.2f}  {what}")

    cases(delay, tls, timeline)


def latency(
    delay: float,
    rounds: int,
    tls: bool,
    cases: Cases = case_times,
    bounds: dict[str, tuple[int, str]] = BOUNDS,
) -> None:
    rtt = 2 * delay
    base: dict[str, list[float]] = {}
    slow: dict[str, list[float]] = {}
    requests: dict[str, int] = {}
    for _ in range(rounds):
        for name, (took, count) in cases(0.0, tls).items():
            base.setdefault(name, []).append(took)
            requests[name] = count
        for name, (took, _) in cases(delay, tls).items():
            slow.setdefault(name, []).append(took)
    over = "https (TLS ended behind the delay)" if tls else "http"
    print(
        f"one-way delay {delay * 1000:.0f} ms (RTT {rtt * 1000:.0f} ms), {over}, best of {rounds}"
    )
    timed = "wall" if cases is case_times else "network time"  # after_latency times the network
    print(f"| case | requests | {timed} at 0 ms | {timed} at delay | round trips | bound | gap |")
    print("|---|---|---|---|---|---|---|")
    for name, (bound, _why) in bounds.items():
        bound += TLS_HANDSHAKE if tls else 0
        t0, t1 = min(base[name]), min(slow[name])  # the least disturbed run of each
        trips = (t1 - t0) / rtt
        print(
            f"| {name} | {requests[name]} | {t0:.2f} s | {t1:.2f} s | {trips:.1f} | {bound} "
            f"| {trips - bound:+.1f} |"
        )
    print()
    for name, (bound, why) in bounds.items():
        print(f"bound for {name} ({bound}): {why}")
    if tls:
        print(f"with TLS every bound is {TLS_HANDSHAKE} more: TLS 1.3's handshake round trip")


def throughput(rate_mbps: float, size_mb: float, delay: float) -> None:
    from benchmarks.publish_memory import make_jar
    from publisher.marketplace.client import Marketplace
    from publisher.marketplace.connection import Connection, Credentials
    from publisher.marketplace.session import Timeouts
    from publisher.marketplace.uploads import artifact_content_type, send_file

    curl = shutil.which("curl")
    rate = rate_mbps * 1e6
    with (
        tempfile.TemporaryDirectory() as tmp,
        sandbox_process() as (url, user, token),
        LatencyProxy(("127.0.0.1", _port(url)), delay=delay, rate=rate) as proxy,
    ):
        jar = make_jar(Path(tmp) / "app.jar", size_mb)
        size = jar.stat().st_size
        proxied = f"http://127.0.0.1:{proxy.port}"
        client = Marketplace(
            Connection(proxied, Credentials(user, token)), timeouts=Timeouts(upload_read=600)
        )
        started = time.perf_counter()
        send_file(client, "/artifacts", jar, artifact_content_type(jar))
        ours = time.perf_counter() - started
        print(f"cap {rate_mbps:.0f} MB/s, delay {delay * 1000:.0f} ms, file {size / 1e6:.1f} MB")
        print(f"mpac-publisher: {size / 1e6 / ours:6.2f} MB/s ({ours:.2f} s)")
        if not curl:
            print("curl is not installed: no comparison")
            return
        started = time.perf_counter()
        command = [curl, "-sS", "-o", "/dev/null", "-u", f"{user}:{token}", "-F", f"file=@{jar}"]
        subprocess.run([*command, f"{proxied}/rest/3/artifacts"], check=True)
        theirs = time.perf_counter() - started
        print(f"curl -F:        {size / 1e6 / theirs:6.2f} MB/s ({theirs:.2f} s)")
        print(f"ratio (ours / curl): {theirs / ours:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--delay", type=float, default=0.05, help="one-way delay, seconds")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--rate", type=float, help="bandwidth cap in MB/s: measure uploads")
    parser.add_argument("--size-mb", type=float, default=40)
    parser.add_argument("--trace", action="store_true", help="print each case's request timeline")
    parser.add_argument("--tls", action="store_true", help="https, TLS ended behind the delay")
    parser.add_argument("--after", action="store_true", help="the commands after a release")
    args = parser.parse_args()
    if args.after:
        if args.trace:
            trace(args.delay, False, after_latency.case_times)
        else:
            latency(args.delay, args.rounds, False, after_latency.case_times, after_latency.BOUNDS)
    elif args.trace:
        trace(args.delay, args.tls)
    elif args.rate:
        throughput(args.rate, args.size_mb, args.delay)
    else:
        latency(args.delay, args.rounds, args.tls)


if __name__ == "__main__":
    main()
