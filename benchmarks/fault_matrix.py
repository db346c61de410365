"""The fault matrix: a seeded, bounded generator of failure scenarios at every step of a publish,
each run against a fresh sandbox Marketplace, with the invariants checked on its state and journal.

For each scenario: the first run either succeeds, or fails with a known exit code and a message
that says to re-run; then a second run (faults cleared) completes it and a third writes nothing.

Usage: python benchmarks/fault_matrix.py [--count 1000] [--seed 7]   (prints the counts)
The test suite runs a smaller slice of the same generator (tests/faults/).
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import io
import itertools
import random
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SPACING = 0.05
TIMEOUT = 0.4

# Every request a publish makes, as (method, path glob, writes?)
STEPS: tuple[tuple[str, str, bool], ...] = (
    ("GET", "/rest/3/parent-software", False),
    ("GET", "/rest/3/parent-software/*/versions/number/*", False),
    ("GET", "/rest/3/app-software/app-key/*", False),
    ("GET", "/rest/3/app-software/*/versions/*", False),
    ("GET", "/rest/3/app-software/*/versions/*/listing", False),
    ("GET", "/rest/3/artifacts/*", False),
    ("POST", "/rest/3/assets/images/*", True),
    ("POST", "/rest/3/artifacts", True),
    ("POST", "/rest/3/app-software/*/versions", True),
    ("PUT", "/rest/3/app-software/*/versions/*", True),
    ("POST", "/rest/3/app-software/*/versions/*/listing", True),
    ("PUT", "/rest/3/app-software/*/versions/*/listing", True),
)
FAILURES: tuple[tuple[str, int | None, int | None], ...] = (
    ("status", 500, None),
    ("status", 502, None),
    ("status", 503, None),
    ("status", 504, None),
    ("status", 429, 1),
    ("status", 429, None),
    ("delay", None, None),  # past the client's timeout; the server still does the work
    ("reset_request", None, None),  # the connection closes while the request is read
    ("truncate_response", None, None),
    ("drop_response", None, None),  # the write happened, the answer is lost
)
PROCESSED = {"delay", "truncate_response", "drop_response"}
EXIT_CODES_ON_FAILURE = {5, 7, 8}


@dataclass(frozen=True)
class Scenario:
    number: int
    kind: str  # "fresh" or "update" (a published release whose notes changed)
    method: str
    path: str
    action: str
    status: int | None
    retry_after: int | None
    skip: int
    times: int

    def describe(self) -> str:
        what = f"{self.action}{'' if self.status is None else ' ' + str(self.status)}"
        where = f"{self.method} {self.path}"
        return f"#{self.number} {self.kind}: {what} x{self.times} (after {self.skip}) on {where}"


def scenarios(count: int, seed: int) -> list[Scenario]:
    rng = random.Random(seed)
    found = []
    for number in range(count):
        method, path, _ = STEPS[number % len(STEPS)]  # every step gets its share
        action, status, retry_after = FAILURES[rng.randrange(len(FAILURES))]
        kind = "update" if method == "PUT" or rng.random() < 0.25 else "fresh"
        found.append(
            Scenario(
                number,
                kind,
                method,
                path,
                action,
                status,
                retry_after,
                rng.choice((0, 0, 1, 2)),
                rng.choice((1, 1, 2, 3, 8)),
            )
        )
    return found


@dataclass
class Verdict:
    scenario: Scenario
    first_exit: int
    second_exit: int | None
    problems: list[str]
    artifact_uploads: int


def run_cli(env: dict[str, str], *argv: str) -> tuple[int, str]:
    from publisher.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv), env)
    return code, out.getvalue() + err.getvalue()


def run_scenario(scenario: Scenario, workdir: Path) -> Verdict:
    from publisher.sandbox import Fault, Sandbox, SandboxSettings

    repo = workdir / f"s{scenario.number}"
    shutil.copytree(ROOT / "examples", repo)
    (repo / ".git").mkdir()
    config = str(repo / "release.yml")
    problems: list[str] = []
    with Sandbox(settings=SandboxSettings(upload_spacing=SPACING), port=0) as sandbox:
        user, token = sandbox.credentials
        env = {
            "MPAC_API_URL": sandbox.url,
            "MPAC_USER": user,
            "MPAC_TOKEN": token,
            "MPAC_STATE_DIR": str(workdir / f"state{scenario.number}"),
            "MPAC_UPLOAD_SPACING": str(SPACING),
            "MPAC_HTTP_TIMEOUT": str(TIMEOUT),
            "MPAC_RETRY_INITIAL": "0.001",
        }
        if scenario.kind == "update":
            code, text = run_cli(env, "publish", config)
            if code != 0:
                return Verdict(scenario, code, None, [f"set-up publish failed: {text[-300:]}"], 0)
            notes = repo / "CHANGELOG.md"
            notes.write_text(notes.read_text().replace("three times faster", "four times faster"))
        artifacts_before = len(sandbox.state()["artifacts"])
        sandbox.clear_journal()
        sandbox.add_fault(
            Fault(
                method=scenario.method,
                path=scenario.path,
                action=scenario.action,
                status=scenario.status or 503,
                retry_after=scenario.retry_after,
                seconds=TIMEOUT * 1.5,
                skip=scenario.skip,
                times=scenario.times,
            )
        )
        first, text = run_cli(env, "publish", config)
        second = None
        if first != 0:
            if first not in EXIT_CODES_ON_FAILURE:
                problems.append(f"first run exit {first}: {text[-400:]}")
            if "re-run" not in text:
                problems.append(f"first run failed without saying to re-run: {text[-300:]}")
            _half_done(sandbox.state(), first, problems)
            sandbox.clear_faults()
            if scenario.action == "delay":
                time.sleep(TIMEOUT * 1.5)  # let the delayed request finish before judging state
            second, text = run_cli(env, "publish", config)
            if second != 0:
                problems.append(f"second run exit {second}: {text[-400:]}")
        else:
            sandbox.clear_faults()
            if scenario.action == "delay":  # a timed-out, retried request still lands late:
                time.sleep(TIMEOUT * 1.5)  # not in the re-run's journal
        uploads = len(sandbox.state()["artifacts"]) - artifacts_before
        sandbox.clear_journal()
        third, text = run_cli(env, "publish", config)
        writes = [e for e in sandbox.journal() if e["method"] != "GET"]
        if third != 0 or writes:
            problems.append(
                f"a re-run of the completed release wrote {len(writes)} times (exit {third})"
            )
        _check_state(sandbox.state(), scenario, uploads, problems)
    return Verdict(scenario, first, second, problems, uploads)


def _apps(state: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        a
        for a in state["apps"].values()
        if a["appKey"] == "com.example.timesheets" and a["hosting"] == "datacenter"
    ]


def _half_done(state: dict[str, Any], code: int, problems: list[str]) -> None:
    for app in _apps(state):
        if app["versions"] and not app["listings"] and code not in (7,):
            # a version without its listing must be reported as partial (exit 7)
            problems.append(f"version left without listing, but exit {code} (not 7)")


def _check_state(
    state: dict[str, Any], scenario: Scenario, uploads: int, problems: list[str]
) -> None:
    for app in _apps(state):
        if list(app["versions"]) != [2004000]:
            problems.append(f"versions {list(app['versions'])}, expected exactly [2004000]")
        listing = app["listings"].get(2004000)
        if not listing:
            problems.append("no listing")
        elif listing["state"] != "PUBLIC" or len(listing.get("highlights", [])) != 3:
            problems.append("listing does not match release.yml")
        version = app["versions"].get(2004000) or {}
        notes = (version.get("changelog") or {}).get("releaseNotes", "")
        expected = "four times faster" if scenario.kind == "update" else "three times faster"
        if expected not in notes:
            problems.append("version notes do not match release.yml")
    allowed = 1 + (
        scenario.times
        if scenario.path == "/rest/3/artifacts" and scenario.action in PROCESSED | {"status"}
        else 0
    )
    if scenario.kind == "update":
        allowed -= 1  # the artifact is unchanged: it must be reused
    if uploads > allowed:
        problems.append(f"{uploads} artifacts uploaded, at most {allowed} allowed")
    artifact_uploads = sorted(
        (u for u in state.get("uploads", []) if u.get("kind", "artifact") == "artifact"),
        key=lambda u: u["started"],
    )
    for before, after in itertools.pairwise(artifact_uploads):
        if after["started"] - before["finished"] < SPACING - 0.01:
            problems.append(f"uploads {after['started'] - before['finished']:.3f} s apart")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    started = time.perf_counter()
    outcomes: collections.Counter[str] = collections.Counter()
    failed: list[Verdict] = []
    with tempfile.TemporaryDirectory() as tmp:
        for scenario in scenarios(args.count, args.seed):
            verdict = run_scenario(scenario, Path(tmp))
            outcomes[
                "first run succeeded"
                if verdict.first_exit == 0
                else f"first run exit {verdict.first_exit}, second run completed"
            ] += 1
            if verdict.problems:
                failed.append(verdict)
    print(f"{args.count} scenarios (seed {args.seed}) in {time.perf_counter() - started:.0f} s")
    for outcome, count in sorted(outcomes.items()):
        print(f"  {count:5d}  {outcome}")
    print(f"invariant violations: {len(failed)}")
    for verdict in failed[:20]:
        print(f"  {verdict.scenario.describe()}: {'; '.join(verdict.problems)}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
