"""What a user sees from three everyday runs against the sandbox, with the parts that change from
run to run (ports, temporary paths, durations, times) replaced by placeholders.

A refactoring that must not change behaviour is checked by running this before and after it and
comparing the two files byte for byte:

    git worktree add /tmp/old OLD_COMMIT
    PYTHONPATH=/tmp/old python scripts/transcript.py > /tmp/before.txt   # the old tree's code
    python scripts/transcript.py > /tmp/after.txt                        # this tree's
    cmp /tmp/before.txt /tmp/after.txt

The runs: a publish whose listing write is refused once (a partial release, exit 7), the re-run
that finishes it, an unchanged re-run, changed release notes (one PUT with its revision, shown as
a JSON Patch by the dry run and applied by the publish), and a release.yml whose compatibility
names a product version the Marketplace does not know (a failure mapped to its line); each in a
terminal log and as a GitHub Actions step (annotations, outputs and the job summary).

Ids the sandbox makes up are replaced, and the completion lines of steps that run side by side
(which finish in either order) are sorted within their block.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from publisher.sandbox import Fault, Sandbox, SandboxSettings

ROOT = Path(__file__).resolve().parents[1]
SPACING = 0.2


def _normalise(text: str, work: Path, port: int) -> str:
    text = text.replace(str(work), "<work>")
    text = text.replace(f"127.0.0.1:{port}", "127.0.0.1:<port>")
    text = re.sub(r" \(sent at [^)]*\)", "", text)  # shown only when the upload took long enough
    text = re.sub(r"\b\d+(\.\d+)? ?(ms|s)\b", "<t>", text)
    text = text.replace("under <t>", "<t>")  # the footer says "under 1 s" for a quick run
    text = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:?\d\d)?", "<time>", text)
    text = re.sub(r"ghadelimiter_[0-9a-f-]+", "<delimiter>", text)
    text = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<id>", text)
    return "\n".join(_sorted_blocks(text.split("\n")))


def _sorted_blocks(lines: list[str]) -> list[str]:
    """Sort each run of consecutive step-completion lines: side-by-side steps end in any order."""
    out: list[str] = []
    block: list[str] = []
    for line in [*lines, ""]:
        if line.startswith("  ✓ ") or line.startswith("  ✗ "):
            block.append(line)
            continue
        out.extend(sorted(block))
        block = []
        out.append(line)
    return out[:-1]


def _run(
    label: str,
    work: Path,
    env: dict[str, str],
    port: int,
    github: bool,
    out: list[str],
    command: str = "publish",
) -> None:
    step = dict(env)
    files = work / "step"
    if github:
        shutil.rmtree(files, ignore_errors=True)
        files.mkdir()
        step.update(
            GITHUB_ACTIONS="true",
            GITHUB_WORKSPACE=str(work / "repo"),
            GITHUB_OUTPUT=str(files / "output.txt"),
            GITHUB_STEP_SUMMARY=str(files / "summary.md"),
        )
    done = subprocess.run(
        [sys.executable, "-m", "publisher", command, str(work / "repo" / "release.yml")],
        env=step,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    out.append(f"==== {label} ({'github' if github else 'terminal'}): exit {done.returncode}")
    out.append("---- stdout")
    out.append(_normalise(done.stdout, work, port))
    out.append("---- stderr")
    out.append(_normalise(done.stderr, work, port))
    if github:
        for name in ("output.txt", "summary.md"):
            path = files / name
            text = path.read_text() if path.exists() else "(none)\n"
            out.append(f"---- {name}")
            out.append(_normalise(text, work, port))


def main() -> int:
    lines: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for github in (False, True):
            repo = work / "repo"
            shutil.rmtree(repo, ignore_errors=True)
            shutil.copytree(ROOT / "examples", repo)
            (repo / ".git").mkdir(exist_ok=True)
            state = work / f"state-{github}"
            with Sandbox(settings=SandboxSettings(upload_spacing=SPACING), port=0) as sandbox:
                user, token = sandbox.credentials
                port = int(sandbox.url.rsplit(":", 1)[1].split("/")[0])
                env = {
                    "PATH": os.environ.get("PATH", ""),
                    "PYTHONPATH": os.environ.get("PYTHONPATH", ""),  # to transcribe another tree
                    "MPAC_API_URL": sandbox.url,
                    "MPAC_USER": user,
                    "MPAC_TOKEN": token,
                    "MPAC_STATE_DIR": str(state),
                    "MPAC_UPLOAD_SPACING": str(SPACING),
                    "MPAC_RETRY_INITIAL": "0.01",
                    "MPAC_HTTP_TIMEOUT": "5",
                    "NO_COLOR": "1",
                }
                sandbox.add_fault(
                    Fault(
                        method="POST",
                        path="/rest/3/app-software/*/versions/*/listing",
                        action="status",
                        status=400,
                        times=1,
                    )
                )
                _run("publish, listing refused once", work, env, port, github, lines)
                _run("re-run finishes it", work, env, port, github, lines)
                _run("unchanged re-run", work, env, port, github, lines)
                notes = repo / "CHANGELOG.md"
                notes.write_text(notes.read_text().replace("three times", "four times"))
                _run("changed notes, dry run", work, env, port, github, lines, "plan")
                _run("changed notes", work, env, port, github, lines)
                release = repo / "release.yml"
                release.write_text(release.read_text().replace("max: 10.3.0", "max: 99.0.0"))
                _run("unknown product version", work, env, port, github, lines)
    sys.stdout.write("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
