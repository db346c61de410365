"""apps, status, compat and yank report like publish: annotations, a job summary and outputs in
GitHub Actions, one --json document (valid against its schema, failures too), no secret."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from publisher.report.document import schema
from tests.e2e.aftercare import JIRA, call, document
from tests.e2e.test_yank import RULE
from tests.support.publisher import Publisher

SCHEMAS = ("apps", "status", "compat-check", "compat-bump", "yank")


@pytest.mark.parametrize("name", SCHEMAS)
def test_each_schema_is_a_valid_json_schema(name: str) -> None:
    Draft202012Validator.check_schema(schema(name))


def test_the_schema_rejects_a_document_missing_its_body() -> None:
    found = {
        "command": "yank",
        "result": "hidden",
        "exit_code": 0,
        "dry_run": False,
        "requests": 1,
        "error": None,
        "advice": None,
        "diagnostics": [],
        "outputs": {"result": "hidden"},
    }
    assert list(Draft202012Validator(schema("yank")).iter_errors(found))  # app, build, ... missing


def github(publisher: Publisher, tmp_path: Path) -> dict[str, str]:
    return {
        "GITHUB_ACTIONS": "true",
        "GITHUB_OUTPUT": str(tmp_path / "out"),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
    }


def test_compat_check_in_github_writes_a_summary_and_outputs(
    publisher: Publisher, tmp_path: Path
) -> None:
    assert publisher("publish").code == 0
    publisher.sandbox.add_parent_version(JIRA, 1008000, "10.8.0", ["datacenter"])
    run = call(
        publisher, "compat", "check", str(publisher.release.path), **github(publisher, tmp_path)
    )
    assert run.code == 11
    line = publisher.release.line_of("max: 10.3.0")
    assert "::warning file=" in run.out and f"line={line}," in run.out
    assert "Jira 10.8.0 (" in run.out
    summary = (tmp_path / "summary.md").read_text()
    assert summary.startswith("## ❌ mpac-publisher compat check: com.example.timesheets 2.4.0: ")
    assert "| datacenter | Jira | 10.3.0 |" in summary and "10.8.0" in summary
    outputs = (tmp_path / "out").read_text()
    assert "result<<" in outputs and "behind" in outputs
    newer = outputs.split("newer-json<<", 1)[1].splitlines()[1]
    assert {
        "product": "Jira",
        "version": "10.8.0",
        "build": 1008000,
        "hosting": "datacenter",
    } in json.loads(newer)


def test_a_refused_yank_is_an_error_annotation_without_secrets(
    publisher: Publisher, tmp_path: Path
) -> None:
    assert publisher("publish").code == 0
    run = call(
        publisher, "yank", str(publisher.release.path), "--execute", **github(publisher, tmp_path)
    )
    assert run.code == 6
    assert "::error title=mpac-publisher%3A error::" in run.out and "only public version" in run.out
    summary = (tmp_path / "summary.md").read_text()
    assert RULE in summary
    token = publisher.env["MPAC_TOKEN"]
    shown = "\n".join(x for x in run.text.splitlines() if not x.startswith("::add-mask::"))
    assert run.out.startswith("::add-mask::")  # masks go out before anything else
    for text in (shown, summary, (tmp_path / "out").read_text()):
        assert token not in text


def test_an_invalid_release_yml_is_exit_3_with_located_errors(publisher: Publisher) -> None:
    publisher.release.edit("build: 2004000", "build: -1")
    run = call(publisher, "status", str(publisher.release.path), "--json")
    found = document(run, "status")
    assert run.code == 3
    assert any(d["key"] == "build" and d["location"] for d in found["diagnostics"])


def test_no_credentials_is_exit_4_before_any_request(publisher: Publisher) -> None:
    run = call(
        publisher,
        "compat",
        "check",
        str(publisher.release.path),
        "--json",
        MPAC_USER="",
        MPAC_TOKEN="",
    )
    assert run.code == 4 and document(run, "compat-check")["result"] == "failed"
    assert publisher.sandbox.journal() == []
