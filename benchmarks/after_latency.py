"""The commands after a release through added network latency (`network_latency.py --after`).

One sandbox process per group, seeded with the demo account plus extra apps (25 or 500 in all);
examples/release.yml is published once straight to the sandbox, then each command runs as the
real CLI through `LatencyProxy`. Bounds, in round trips (each counted as in network_latency.py:
one to open the first connection, then each request that needs another's answer; requests that
need nothing of each other share a round trip) are in `BOUNDS`, each with how it is counted. A
bound assumes as many requests in flight as a round needs; the client sends at most 6 side by side
per round (`apps --hosting`: 22, the lookups a listing's page makes), so wide rounds cost more.
Plain http only (`--tls` applies to the publish cases). Each case is timed from the first
connection to the last answer (`_span`), at no delay and at the delay; the difference over the
round-trip time is the round trips it waited for.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.latency_proxy import LatencyProxy  # noqa: E402
from benchmarks.publish_time import publish  # noqa: E402

APP = "com.example.timesheets"

BOUNDS: dict[str, tuple[int, str]] = {
    "status release.yml": (
        4,
        "connect; app-key lookup (host products beside it); GET version, its number's other "
        "builds, the version list, product versions (beside each other); the listings, the "
        "artifact, the names of the live ranges' builds (beside each other)",
    ),
    "status APP_KEY": (
        4,
        "connect; app-key lookup; the version list; each version's listing, the host products "
        "and the names of its ranges' builds (beside each other)",
    ),
    "compat check": (
        5,
        "connect; app-key lookup (host products beside it); GET version (release.yml's product "
        "versions beside it); the host product's versions, 3 pages of 50 one after another, the "
        "first beside the version read (it needs only the product's id)",
    ),
    "yank (dry run)": (
        4,
        "connect; app-key lookup; GET listing; the public listings (the only-public rule)",
    ),
    "apps --hosting, 25 apps": (3, "connect; the one page of 50 apps; every app's lookup at once"),
    "apps --hosting, 500 apps": (
        12,
        "connect; 10 pages of 50 apps one after another; the last page's lookups (every other "
        "lookup beside a later page)",
    ),
}

# name -> (argv after the command name, how many apps the sandbox holds, exit codes expected)
CASES: dict[str, tuple[list[str], int, tuple[int, ...]]] = {
    "status release.yml": (["status", "{config}"], 25, (0,)),
    "status APP_KEY": (["status", APP], 25, (0,)),
    "compat check": (["compat", "check", "{config}"], 25, (0, 11)),
    "yank (dry run)": (["yank", "{config}"], 25, (0, 6)),
    "apps --hosting, 25 apps": (["apps", "--hosting", "datacenter"], 25, (0,)),
    "apps --hosting, 500 apps": (["apps", "--hosting", "datacenter"], 500, (0,)),
}

_SERVER = """
import json, os
from publisher.sandbox import Sandbox, SandboxSettings
settings = SandboxSettings(upload_spacing=0.0, budget_bytes=10**13)
sandbox = Sandbox(settings=settings, seed=json.loads(os.environ["BENCH_SEED"]), port=0)
user, token = sandbox.credentials
print(sandbox.url, user, token, sandbox.developer_ids()[0], flush=True)
sandbox.serve_forever()
"""


def _seed(apps: int) -> dict[str, Any]:
    extra = [
        {"key": f"com.example.extra{i:03d}", "hosting": ["datacenter"] if i % 2 else ["server"]}
        for i in range(apps - 1)
    ]
    return {
        "accounts": [
            {
                "email": "demo@example.com",
                "token": "sandbox-demo-token",
                "apps": [{"key": APP, "hosting": ["datacenter", "server", "cloud"]}, *extra],
            }
        ]
    }


@contextmanager
def _sandbox(apps: int) -> Iterator[tuple[str, str, str, str]]:
    env = {**os.environ, "BENCH_SEED": json.dumps(_seed(apps))}
    process = subprocess.Popen(
        [sys.executable, "-c", _SERVER], stdout=subprocess.PIPE, text=True, cwd=ROOT, env=env
    )
    try:
        assert process.stdout is not None
        url, user, token, developer = process.stdout.readline().split()
        yield url, user, token, developer
    finally:
        process.terminate()
        process.wait(timeout=10)


def _run(env: dict[str, str], argv: list[str], codes: tuple[int, ...]) -> tuple[float, int]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "publisher", *argv, "--json"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    took = time.perf_counter() - started
    if done.returncode not in codes:
        raise SystemExit(f"{argv} failed ({done.returncode}): {done.stderr[-2000:]}")
    return took, int(json.loads(done.stdout)["requests"])


Observer = Callable[[str, float, str, LatencyProxy], None]


def case_times(
    delay: float, tls: bool = False, observe: Observer | None = None
) -> dict[str, tuple[float, int]]:
    """Wall time and requests of each command through a proxy with `delay` (plain http)."""
    results: dict[str, tuple[float, int]] = {}
    for apps in sorted({count for _, count, _ in CASES.values()}):
        with tempfile.TemporaryDirectory() as tmp_name, _sandbox(apps) as (url, user, token, dev):
            repo = Path(tmp_name) / "repo"
            shutil.copytree(ROOT / "examples", repo)
            (repo / ".git").mkdir()
            config = repo / "release.yml"
            env = {
                **os.environ,
                "MPAC_API_URL": url,
                "MPAC_USER": user,
                "MPAC_TOKEN": token,
                "MPAC_STATE_DIR": str(Path(tmp_name) / "state"),
                "MPAC_UPLOAD_SPACING": "0",
                "MPAC_DEVELOPER_ID": dev,
                "NO_COLOR": "1",
            }
            publish(env, config)  # straight to the sandbox: only the commands after it are timed
            with LatencyProxy(("127.0.0.1", int(url.rsplit(":", 1)[1])), delay=delay) as proxy:
                env["MPAC_API_URL"] = f"http://127.0.0.1:{proxy.port}"
                for name, (argv, count, codes) in CASES.items():
                    if count != apps:
                        continue
                    _clear_journal(url)
                    del proxy.counters.opened[:]
                    shown = [str(config) if a == "{config}" else a for a in argv]
                    _, requests = _run(env, shown, codes)
                    results[name] = (_span(url, proxy, delay), requests)
                    if observe:
                        observe(name, results[name][0], url, proxy)
    return results


def _span(url: str, proxy: LatencyProxy, delay: float) -> float:
    """Seconds from the first connection the proxy accepted to the last answer's arrival back
    at the client: the network part of a run. The whole wall time would carry the process's
    start-up, which on a shared 2-core machine varies by more than the round trips measured."""
    with urllib.request.urlopen(f"{url}/_sandbox/journal", timeout=10) as answer:
        entries: list[dict[str, Any]] = json.load(answer)
    last = max(float(e["finished"]) for e in entries)
    return last + delay - min(proxy.counters.opened)


def _clear_journal(url: str) -> None:
    request = urllib.request.Request(f"{url}/_sandbox/journal", method="DELETE")
    urllib.request.urlopen(request, timeout=10).close()
