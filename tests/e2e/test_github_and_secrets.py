"""In GitHub Actions: annotations at the release.yml line, outputs, summary; and no secret
anywhere, in any scenario: stdout, stderr, annotations, summary, outputs, JSON, state files."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from publisher.sandbox import Fault
from tests.support.publisher import Publisher, Release, Run, github_env

NOTES_REJECTED = "Invalid value for changelog.releaseNotes. Cannot be longer than 5000 characters"


def _outputs(path: Path) -> dict[str, str]:
    """Parse GITHUB_OUTPUT's `name<<DELIMITER` blocks."""
    lines = path.read_text().splitlines()
    found, i = {}, 0
    while i < len(lines):
        name, _, delimiter = lines[i].partition("<<")
        end = lines.index(delimiter, i + 1)
        found[name] = "\n".join(lines[i + 1 : end])
        i = end + 1
    return found


def test_rejected_release_notes_are_annotated_at_their_line(
    publisher: Publisher, release: Release, tmp_path: Path
) -> None:
    publisher.sandbox.add_fault(
        Fault(
            method="POST",
            path="/rest/3/app-software/*/versions",
            action="status",
            status=400,
            detail=NOTES_REJECTED,
        )
    )
    env = github_env(release, tmp_path)
    run = publisher(**env)
    assert run.code == 6, run.text
    line = release.line_of("notes_file:")
    annotations = [x for x in run.out.splitlines() if x.startswith("::error ")]
    assert any(f"file=release.yml,line={line}," in a for a in annotations), annotations
    assert any("changelog.releaseNotes" in a for a in annotations)
    assert _outputs(tmp_path / "output.txt")["result"] == "failed"
    summary = (tmp_path / "summary.md").read_text()
    assert "releaseNotes" in summary or "rejected" in summary
    _assert_secret_free(
        publisher, [run.out, run.err, summary, (tmp_path / "output.txt").read_text()]
    )


def test_a_publish_in_github_writes_outputs_summary_and_groups(
    publisher: Publisher, release: Release, tmp_path: Path
) -> None:
    run = publisher(**github_env(release, tmp_path))
    assert run.code == 0, run.text
    outputs = _outputs(tmp_path / "output.txt")
    assert outputs["result"] == "created" and outputs["build-number"] == "2004000"
    assert outputs["artifact-id"] and outputs["version-url"].startswith(publisher.sandbox.url)
    assert "::group::plan" in run.out and "::endgroup::" in run.out
    first = run.out.splitlines()[0]
    assert first.startswith("::add-mask::"), "masks must come before anything else"
    summary = (tmp_path / "summary.md").read_text()
    assert "sha512" in summary and "datacenter" in summary


def _secrets(publisher: Publisher) -> list[str]:
    user, token = publisher.env["MPAC_USER"], publisher.env["MPAC_TOKEN"]
    pair = f"{user}:{token}"
    return [token, pair, base64.b64encode(pair.encode()).decode()]


def _assert_secret_free(publisher: Publisher, texts: list[str]) -> None:
    for text in texts:
        for line in text.splitlines():
            if line.startswith("::add-mask::"):
                continue
            for secret in _secrets(publisher):
                assert secret not in line, f"secret leaked in: {line[:120]}"


SCENARIOS: dict[str, tuple[list[str], Fault | None]] = {
    "success": (["publish"], None),
    "json": (["publish", "--json"], None),
    "dry run": (["plan"], None),
    "rejected": (
        ["publish"],
        Fault(method="POST", path="/rest/3/app-software/*/versions", action="status", status=400),
    ),
    "partial": (
        ["publish"],
        Fault(
            method="POST",
            path="/rest/3/app-software/*/versions/*/listing",
            action="status",
            status=500,
        ),
    ),
    "retries": (
        ["publish"],
        Fault(method="POST", path="/rest/3/artifacts", action="status", status=503, times=2),
    ),
    "lost answer": (
        ["publish"],
        Fault(method="POST", path="/rest/3/app-software/*/versions", action="drop_response"),
    ),
    "unavailable": (
        ["publish"],
        Fault(
            method="GET", path="/rest/3/parent-software", action="status", status=502, times=None
        ),
    ),
}


@pytest.mark.parametrize("name", list(SCENARIOS))
@pytest.mark.parametrize("github", [False, True])
def test_no_secret_in_anything_written(
    publisher: Publisher, release: Release, tmp_path: Path, name: str, github: bool
) -> None:
    args, fault = SCENARIOS[name]
    if fault:
        publisher.sandbox.add_fault(fault)
    env = github_env(release, tmp_path) if github else {"MPAC_DEBUG": "1"}
    runs: list[Run] = [publisher(*args, **env)]
    publisher.sandbox.clear_faults()
    runs.append(publisher(*args, **env))
    texts = [r.out + r.err for r in runs]
    for path in [
        *Path(publisher.env["MPAC_STATE_DIR"]).rglob("*"),
        *tmp_path.glob("*.txt"),
        *tmp_path.glob("*.md"),
    ]:
        if path.is_file():
            texts.append(path.read_text(errors="replace"))
    texts.append(json.dumps(publisher.sandbox.journal()))  # what the server logged of our requests
    _assert_secret_free(publisher, texts)


def test_wrong_token_is_not_echoed(publisher: Publisher) -> None:
    run = publisher(MPAC_TOKEN="wrong-token-value-123")
    assert run.code == 4
    assert "wrong-token-value-123" not in run.text
