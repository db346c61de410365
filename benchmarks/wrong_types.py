"""Wrong-typed answers: every field of every answer a publish reads, replaced by a value of the
wrong type (an object or list -> a string, a scalar -> a list), one at a time, through a
rewriting proxy in front of a fresh sandbox. Each run must end with exit 0 (the field is not
read), 8 (Marketplace answered something unexpected) or 6 (Marketplace refused what it was sent):
never 1 (a crash) or 3 (blamed on release.yml).

Usage: python benchmarks/wrong_types.py   (prints the cases per endpoint and per exit code)
The test suite runs a slice of the same cases (tests/hostile/test_wrong_types.py).
"""

from __future__ import annotations

import collections
import copy
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from publisher.sandbox import Sandbox, SandboxSettings  # noqa: E402
from tests.support.hostile import Answer, Rule, hostile_proxy  # noqa: E402
from tests.support.publisher import Publisher, Release  # noqa: E402

UPDATE = ("summary: Faster timesheet export", "summary: Even faster export")
Key = tuple[str | int, ...]

# (method, path pattern, read only when the version already exists?)
ENDPOINTS: tuple[tuple[str, str, bool], ...] = (
    ("GET", r"^/rest/3/parent-software\?", False),
    ("GET", r"^/rest/3/parent-software/[^/]+/versions/number/", False),
    ("GET", r"^/rest/3/app-software/app-key/", False),
    ("POST", r"^/rest/3/assets/images/[^/]+$", False),
    ("POST", r"^/rest/3/artifacts$", False),
    ("GET", r"^/rest/3/app-software/[^/]+/versions/2004000$", True),
    ("GET", r"^/rest/3/app-software/[^/]+/versions/2004000/listing$", True),
    ("GET", r"^/rest/3/artifacts/[^/]+$", True),
)


@dataclass(frozen=True)
class Case:
    method: str
    path: str
    existing: bool
    key: Key
    value: Any

    def describe(self) -> str:
        return f"{self.method} {self.path} {'.'.join(map(str, self.key))} = {self.value!r}"


def _keys(value: Any, prefix: Key = ()) -> Iterator[tuple[Key, Any]]:
    if isinstance(value, dict):
        for name, child in value.items():
            yield (*prefix, name), child
            yield from _keys(child, (*prefix, name))
    elif isinstance(value, list) and value:
        yield (*prefix, 0), value[0]
        yield from _keys(value[0], (*prefix, 0))


def _replaced(document: Any, key: Key, value: Any) -> Any:
    changed = copy.deepcopy(document)
    here = changed
    try:
        for part in key[:-1]:
            here = here[part]
        here[key[-1]] = value
    except (KeyError, IndexError, TypeError):
        pass  # this answer (another page, another image) has no such field
    return changed


class _World:
    """A sandbox behind a proxy, and the publisher pointed at the proxy."""

    def __init__(self, scratch: Path) -> None:
        self.sandbox = Sandbox(settings=SandboxSettings(upload_spacing=0.0), port=0).start()
        self._proxy = hostile_proxy(self.sandbox.url)
        self.proxy = self._proxy.__enter__()
        self.release = Release(scratch / "repo")
        self.publish = Publisher(self.sandbox, self.release, scratch / "state")
        self.publish.env.update(MPAC_API_URL=self.proxy.url, MPAC_UPLOAD_SPACING="0")

    def existing(self) -> None:
        assert self.publish().code == 0
        self.release.edit(*UPDATE)

    def close(self) -> None:
        self._proxy.__exit__(None, None, None)
        self.sandbox.stop()


def cases() -> list[Case]:
    """Every field of a sample of each answer, each with one wrong value."""
    found: list[Case] = []
    for method, path, existing in ENDPOINTS:
        with tempfile.TemporaryDirectory() as scratch:
            world = _World(Path(scratch))
            try:
                if existing:
                    world.existing()
                samples: list[Any] = []
                world.proxy.add(Rule(method, path, rewrite=partial(_sampled, samples=samples)))
                assert world.publish().code == 0
            finally:
                world.close()
        for key, value in _keys(samples[0]):
            wrong: Any = "x" if isinstance(value, dict | list) else []
            found.append(Case(method, path, existing, key, wrong))
    return found


# The fields that crashed the client before answers were checked (issue 10 #16), and their
# neighbours: each endpoint's top-level objects and lists, as a string (ids: a list).
TOP_LEVEL: tuple[tuple[int, Key], ...] = (
    (0, ("links",)),
    (0, ("parentSoftware",)),
    (0, ("parentSoftware", 0)),
    (1, ("buildNumber",)),
    (2, (0,)),
    (3, ("id",)),
    (4, ("fileInfo",)),
    (4, ("details",)),
    (4, ("_links",)),
    (5, ("frameworkDetails",)),
    (5, ("compatibilities",)),
    (5, ("changelog",)),
    (5, ("licenseType",)),
    (6, ("screenshots",)),
    (6, ("highlights",)),
    (6, ("developerLinks",)),
    (7, ("fileInfo",)),
    (7, ("_links",)),
)


def top_level_cases() -> list[Case]:
    """The TOP_LEVEL fields as cases, without sampling the answers first."""
    found = []
    for endpoint, key in TOP_LEVEL:
        method, path, existing = ENDPOINTS[endpoint]
        wrong: Any = [] if key[-1] in ("id", "buildNumber") else "x"
        found.append(Case(method, path, existing, key, wrong))
    return found


def _sampled(answer: Answer, samples: list[Any]) -> Answer:
    samples.append(answer.json())
    return answer


def run_case(case: Case, scratch: Path) -> tuple[int, str]:
    """(exit code, last lines of output) of a publish that sees the case's wrong field."""
    world = _World(scratch)
    try:
        if case.existing:
            world.existing()
        world.proxy.add(
            Rule(
                case.method,
                case.path,
                rewrite=lambda a: a.with_json(_replaced(a.json(), case.key, case.value)),
            )
        )
        run = world.publish()
        return run.code, " / ".join(run.text.strip().splitlines()[-2:])
    finally:
        world.close()


def verdict(code: int, text: str) -> str | None:
    """Why an outcome is wrong, or None."""
    if code in (1, 3):
        return f"exit {code}: {text}"
    if code == 8 and "Marketplace answered something unexpected" not in text:
        return f"exit 8 without saying the answer was unexpected: {text}"
    return None if code in (0, 6, 8) else f"exit {code}: {text}"


def main() -> int:
    started = time.monotonic()
    every = cases()
    codes: collections.Counter[int] = collections.Counter()
    per_endpoint: collections.Counter[str] = collections.Counter()
    bad = []
    for case in every:
        with tempfile.TemporaryDirectory() as scratch:
            code, text = run_case(case, Path(scratch))
        codes[code] += 1
        per_endpoint[f"{case.method} {case.path}"] += 1
        problem = verdict(code, text)
        if problem:
            bad.append(f"{case.describe()}: {problem}")
    for endpoint, count in per_endpoint.items():
        print(f"{count:4} fields  {endpoint}")
    print(f"{len(every)} cases in {time.monotonic() - started:.0f} s; exit codes {dict(codes)}")
    print(f"{len(bad)} wrong outcomes")
    for line in bad:
        print("  " + line)
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
