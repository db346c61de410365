"""In GitHub Actions, no untrusted text (a server's answer, a file name) can start a workflow
command: every line we did not mean as a command is neutralised, whatever CR/LF it carried."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from publisher.sandbox import Fault
from tests.support.publisher import Publisher, Release, github_env

OURS = ("::add-mask::", "::group::", "::endgroup::", "::error title=", "::error file=")
OURS += ("::warning title=", "::warning file=")


def _commands_the_runner_would_run(text: str) -> list[str]:
    """Each physical line as the runner splits them (CR, LF, CRLF) that it would read as a
    command and that we did not write as one; plus any old-form `##[` command in other lines
    (a line that parses as a `::` command is not parsed again in the old form)."""
    found = []
    for line in re.split(r"\r\n|\r|\n", text):
        stripped = line.lstrip()
        if not stripped.startswith("::"):
            if "##[" in line:
                found.append(line)
        elif not stripped.startswith(OURS) or "pwned" in stripped.split("::")[1]:
            found.append(line)  # not ours, or ours with hostile properties
    return found


HOSTILE = "nope\n::error::pwned-by-server\r::warning::pwned-cr\r\n  ::notice::pwned ##[error]pwned"


def test_a_hostile_server_answer_cannot_start_a_workflow_command(
    publisher: Publisher, release: Release, tmp_path: Path
) -> None:
    publisher.sandbox.add_fault(
        Fault(method="POST", path="/rest/3/app-software/*/versions", status=400, detail=HOSTILE)
    )
    run = publisher("publish", "--json", **github_env(release, tmp_path))
    assert run.code == 6, run.text
    assert "pwned-by-server" in run.text, "the server's text is still shown"
    assert _commands_the_runner_would_run(run.out) == []
    assert _commands_the_runner_would_run(run.err) == []


def test_a_hostile_file_name_cannot_start_a_workflow_command(
    publisher: Publisher, release: Release, tmp_path: Path
) -> None:
    images = release.root / "docs" / "img"
    evil = "evil\n::error::pwned-by-file\r##[warning]pwned.png"
    shutil.copy(images / "hero.png", images / evil)
    release.edit(
        "hero: docs/img/hero.png",
        'hero: "docs/img/evil\\n::error::pwned-by-file\\r##[warning]pwned.png"',
    )
    # a failed hero upload is retried: its step title, with the name, is shown
    publisher.sandbox.add_fault(Fault(method="POST", path="/rest/3/assets/images/hero", status=503))
    for args in (["validate"], ["plan"], ["publish"]):
        run = publisher(*args, **github_env(release, tmp_path))
        assert run.code == 0, run.text
        assert args == ["validate"] or "pwned-by-file" in run.text, "the name is still shown"
        assert _commands_the_runner_would_run(run.out + "\n" + run.err) == [], args


def test_a_hostile_server_answer_cannot_drive_the_terminal(publisher: Publisher) -> None:
    clipboard, clear = "\x1b]52;c;cHduZWQ=\x07", "\x1b[2J\x1b[H"
    detail = f"nope{clipboard}{clear}\x9b31m hidden\rOVERWRITTEN"
    publisher.sandbox.add_fault(
        Fault(method="POST", path="/rest/3/app-software/*/versions", status=400, detail=detail)
    )
    run = publisher("publish", "--json")
    assert run.code == 6, run.text
    assert "\x1b" not in run.text and "\x9b" not in run.text and "\x07" not in run.text
    assert "\r" not in run.err, "a lone CR would overwrite what the line said"
    assert "\\x1b]52;c;cHduZWQ=" in run.err, "the text is still shown, its controls made visible"
    assert "OVERWRITTEN" in run.err
