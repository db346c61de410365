"""scripts/refresh-pin, in a throw-away clone of this repository: it refuses while the tool has
uncommitted changes, and after a tool commit it moves every pin of the action to HEAD in a commit
of its own, which is what turns the drift test (tests/ship/test_examples.py) from red to green."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"mpac-publisher/mpac-publisher@([0-9a-f]{40})")
DRIFT_TEST = "tests/ship/test_examples.py::test_the_pinned_commit_runs_the_same_tool_as_head"


def _git(repo: Path, *argv: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *argv],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout.strip()


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: nothing to clone")
    if _git(ROOT, "rev-parse", "--is-shallow-repository") == "true":
        pytest.skip("shallow clone: the pinned commit may be missing (git fetch --unshallow)")
    repo = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "--quiet", "--no-checkout", str(ROOT), str(repo)], check=True, timeout=120
    )
    # HEAD itself, which a clone lacks when no branch or tag names it (a CI merge ref).
    _git(repo, "fetch", "--quiet", str(ROOT), "HEAD")
    _git(repo, "checkout", "--quiet", "-B", "work", "FETCH_HEAD")
    # The script and the drift test as they are in this working tree, committed in the clone.
    for name in ("scripts/refresh-pin", "tests/ship/test_examples.py"):
        (repo / name).write_bytes((ROOT / name).read_bytes())
    (repo / "scripts" / "refresh-pin").chmod(0o755)
    _git(repo, "add", "scripts/refresh-pin", "tests/ship/test_examples.py")
    _git(repo, "commit", "--quiet", "--allow-empty", "-m", "refresh-pin under test")
    return repo


def _refresh(repo: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(repo / "scripts" / "refresh-pin")],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def _drift_test(repo: Path) -> subprocess.CompletedProcess[str]:
    """The real drift test, run inside the clone (against the clone's git history)."""
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "0", DRIFT_TEST],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def _pins(repo: Path) -> set[str]:
    """Every action pin in README.md and the example workflows."""
    files = [repo / "README.md", *(repo / "examples" / ".github" / "workflows").glob("*.yml")]
    return set(PIN.findall("".join(f.read_text() for f in files)))


def _tool_commit(repo: Path) -> str:
    cli = repo / "publisher" / "cli.py"
    cli.write_text(cli.read_text() + "# a tool change\n")
    _git(repo, "commit", "--quiet", "-am", "a tool change")
    return _git(repo, "rev-parse", "HEAD")


def test_refresh_pin_refuses_while_the_tool_has_uncommitted_changes(clone: Path) -> None:
    before = _git(clone, "rev-parse", "HEAD")
    cli = clone / "publisher" / "cli.py"
    cli.write_text(cli.read_text() + "# not committed\n")
    done = _refresh(clone)
    assert done.returncode == 1
    assert "uncommitted changes" in done.stderr and "publisher/cli.py" in done.stderr
    assert _git(clone, "rev-parse", "HEAD") == before
    assert _git(clone, "status", "--porcelain", "--", "README.md", "examples") == ""


@pytest.mark.slow  # three git and pytest runs in a clone: about 40 s
def test_a_stale_pin_fails_the_drift_test_until_refresh_pin_commits_the_new_pin(
    clone: Path,
) -> None:
    tool = _tool_commit(clone)
    stale = _drift_test(clone)
    assert stale.returncode == 1, stale.stdout
    assert "whose tool differs from HEAD's" in stale.stdout and "publisher/cli.py" in stale.stdout
    checkout_pins = set(
        re.findall(r"actions/checkout@[0-9a-f]{40}", (clone / "README.md").read_text())
    )

    grep = ("grep", "-lE", PIN.pattern.replace("(", "").replace(")", ""), "--")
    pinned = set(_git(clone, *grep, "README.md", "examples").split())
    assert {"README.md", "examples/.github/workflows/marketplace.yml"} <= pinned

    done = _refresh(clone)

    assert done.returncode == 0, done.stderr
    assert _pins(clone) == {tool}
    assert _git(clone, "log", "-1", "--format=%s") == f"Examples and README pin {tool[:7]}"
    changed = set(_git(clone, "diff", "--name-only", "HEAD~1", "HEAD").split())
    assert changed == pinned  # every file holding the pin, and only those
    assert set(re.findall(r"actions/checkout@[0-9a-f]{40}", (clone / "README.md").read_text())) == (
        checkout_pins
    )  # only the action's own pin moves
    fresh = _drift_test(clone)
    assert fresh.returncode == 0, fresh.stdout
    again = _refresh(clone)
    assert again.returncode == 0 and "nothing to do" in again.stdout
    assert _git(clone, "log", "-1", "--format=%s") == f"Examples and README pin {tool[:7]}"
