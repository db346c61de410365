"""Helpers for the end-to-end tests of apps, status, compat and yank: run the CLI with explicit
arguments, and read its --json document validated against the command's documented schema."""

from __future__ import annotations

import contextlib
import io
import json
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

from publisher.cli import main
from publisher.report.document import schema
from tests.support.publisher import Publisher, Run

JIRA = "jira"  # the sandbox's Jira: parent software ids are product keys, as live


def call(publisher: Publisher, *argv: str, **env: str) -> Run:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv), {**publisher.env, **env})
    return Run(code, out.getvalue(), err.getvalue())


def document(run: Run, name: str) -> dict[str, Any]:
    """The --json document on stdout, after checking it against schemas/<name>.json."""
    found: dict[str, Any] = json.loads(run.out)
    validator = Draft202012Validator(schema(name), format_checker=FormatChecker())
    problems = [
        f"/{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(found)
    ]
    assert not problems, "\n".join(problems)
    assert found["exit_code"] == run.code
    return found


def writes(publisher: Publisher) -> list[dict[str, Any]]:
    return [e for e in publisher.sandbox.journal() if e["method"] != "GET"]
