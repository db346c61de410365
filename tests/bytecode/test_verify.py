"""`compat verify` and `compat surface` end to end: real javac-compiled host jars v1 and v2 and a
plugin with a bundled library, the real CLI, no account and no network."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from publisher.report.document import schema
from tests.bytecode.conftest import World, verify
from tests.support.java import jar
from tests.support.publisher import Release, Run


def _document(run: Run, name: str = "compat-verify") -> dict[str, Any]:
    Draft202012Validator.check_schema(schema(name))  # the schema itself is a valid one
    found: dict[str, Any] = json.loads(run.out)
    problems = [e.message for e in Draft202012Validator(schema(name)).iter_errors(found)]
    assert not problems, problems
    assert found["exit_code"] == run.code
    return found


def _run(workspace: Release, *against: str, json_out: bool = True) -> Run:
    flags = [a for host in against for a in ("--against", host)]
    return verify(
        "compat", "verify", str(workspace.path), *flags, *(["--json"] if json_out else [])
    )


def _kinds(host: dict[str, Any]) -> dict[str, set[tuple[str, tuple[str, ...]]]]:
    """kind -> {(reference, used_by)} over missing, unresolved and warnings."""
    found: dict[str, set[tuple[str, tuple[str, ...]]]] = {}
    for part in ("missing", "unresolved", "warnings"):
        for f in host[part]:
            found.setdefault(f["kind"], set()).add((f["reference"], tuple(f["used_by"])))
    return found


TICKETS = "com.example.plugin.Tickets"
SEARCH = "com.example.plugin.SearchAction"
WARNED = {
    "internal": {("com.example.host.IssueService.count()", (f"{TICKETS}.total()",))},
    "experimental": {("com.example.host.IssueService.reindex()", (f"{TICKETS}.rebuild()",))},
}


def test_v1_resolves_every_reference_and_warns_of_internal_and_experimental_api(
    world: World, workspace: Release
) -> None:
    run = _run(workspace, f"jira=10.0.0:{world.host_v1.parent}")
    document = _document(run)
    assert run.code == 0 and document["result"] == "compatible"
    (host,) = document["hosts"]
    assert (host["result"], host["imports"], host["unreadable"]) == ("compatible", [], [])
    assert _kinds(host) == WARNED
    assert document["classes"] == 3 and document["bundled_classes"] == 1


def test_v2_reports_exactly_the_references_that_break(world: World, workspace: Release) -> None:
    run = _run(workspace, f"jira=11.0.0:{world.host_v2}")
    document = _document(run)
    assert run.code == 12 and document["result"] == "breaks"
    (host,) = document["hosts"]
    assert _kinds(host) == {
        "missing-class": {
            ("com.example.host.LegacyHelper", (f"{TICKETS}.legacy()",)),
            (
                "javax.servlet.http.HttpServletRequest",
                (f"{SEARCH}.run(javax.servlet.http.HttpServletRequest)",),
            ),
        },
        "missing-method": {
            ("com.example.host.IssueService.deleteIssue(long)", (f"{TICKETS}.close(long)",))
        },
        "deprecated": {
            ("com.example.host.IssueService.findIssue(long)", (f"{TICKETS}.show(long)",))
        },
        **WARNED,
    }
    assert [(i["package"], i["problem"], i["exported"]) for i in host["imports"]] == [
        ("com.example.host", "version", ["2.0.0"]),
        ("javax.servlet.http", "not-exported", []),
    ]
    assert document["outputs"]["breaking"] == "jira 11.0.0"


def test_bundled_and_jdk_classes_are_never_reported(world: World, workspace: Release) -> None:
    """The bundled library refers to com.example.absent.Thing, which no jar has; the plugin uses
    java.util, javax.crypto and Object's hashCode, and getText through v2's new superclass."""
    document = _document(_run(workspace, f"jira=11.0.0:{world.host_v2}"))
    text = json.dumps(document["hosts"])
    for never in ("com.example.lib", "com.example.absent", "java.util", "javax.crypto", "getText"):
        assert never not in text, never
    assert "javax.crypto" not in {i["package"] for i in document["hosts"][0]["imports"]}


def test_a_supertype_outside_the_jars_given_is_unresolved_not_compatible(
    world: World, workspace: Release, tmp_path: Path
) -> None:
    """v2 without ActionSupport.class: getText cannot be looked up, so it is said, not skipped."""
    partial = tmp_path / "partial"
    with zipfile.ZipFile(world.host_v2) as full:
        full.extractall(partial)
    (partial / "com/example/host/ActionSupport.class").unlink()
    trimmed = jar(tmp_path / "trimmed" / "host.jar", partial, only="")
    host = _document(_run(workspace, f"jira=11.0.0:{trimmed}"))["hosts"][0]
    assert [(f["reference"], f["detail"]) for f in host["unresolved"]] == [
        (
            "com.example.plugin.SearchAction.getText(java.lang.String)",
            "com/example/host/ActionSupport (a supertype of com/example/host/BaseAction)",
        )
    ]


def test_a_surface_file_gives_the_verdict_the_jars_give(
    world: World, workspace: Release, tmp_path: Path
) -> None:
    made = tmp_path / "jira-11.surface"
    written = verify("compat", "surface", str(world.host_v2.parent), "-o", str(made), "--json")
    assert written.code == 0, written.text
    assert _document(written, "compat-surface")["classes"] == 6
    from_jars = _document(_run(workspace, f"jira=11.0.0:{world.host_v2}"))
    from_file = _document(_run(workspace, f"jira=11.0.0:{made}"))
    assert from_file["hosts"][0]["path"] != from_jars["hosts"][0]["path"]
    for document in (from_jars, from_file):
        document["hosts"][0].pop("path")
    assert from_file == from_jars


def test_several_hosts_in_one_run_and_text_output_names_each_finding(
    world: World, workspace: Release
) -> None:
    run = _run(
        workspace, f"jira=10.0.0:{world.host_v1}", f"jira=11.0.0:{world.host_v2}", json_out=False
    )
    assert run.code == 12
    assert "jira 10.0.0: compatible" in run.text and "jira 11.0.0: breaks" in run.text
    line = workspace.line_of("max: 10.3.0")
    assert (
        f"release.yml:{line}:10: error: jira 11.0.0: missing method "
        "com.example.host.IssueService.deleteIssue(long), used by "
        "com.example.plugin.Tickets.close(long)" in run.text
    )
    assert "Traceback" not in run.text


def test_github_actions_gets_annotations_at_the_max_line_and_a_job_summary(
    world: World, workspace: Release, tmp_path: Path
) -> None:
    summary, outputs = tmp_path / "summary.md", tmp_path / "outputs"
    env = {
        "GITHUB_ACTIONS": "true",
        "GITHUB_WORKSPACE": str(workspace.root),
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_OUTPUT": str(outputs),
    }
    flags = ["--against", f"jira=11.0.0:{world.host_v2}"]
    run = verify("compat", "verify", str(workspace.path), *flags, env=env)
    assert run.code == 12
    line = workspace.line_of("max: 10.3.0")
    assert (
        f"::error file=release.yml,line={line},col=10,title=mpac-publisher%3A error::jira 11.0.0: "
        "missing class com.example.host.LegacyHelper" in run.out
    )
    assert "::warning file=release.yml" in run.out
    text = summary.read_text()
    assert "### jira 11.0.0: breaks" in text
    assert "| missing method | com.example.host.IssueService.deleteIssue(long) |" in text
    assert re.search(r"^breaking<<(\S+)\njira 11\.0\.0\n\1$", outputs.read_text(), re.M)


def test_an_unreadable_host_class_makes_the_verdict_incomplete_not_compatible(
    world: World, workspace: Release, tmp_path: Path
) -> None:
    classes = tmp_path / "classes"
    with zipfile.ZipFile(world.host_v1) as full:
        full.extractall(classes)
    broken = classes / "com/example/host/LegacyHelper.class"
    broken.write_bytes(broken.read_bytes()[:40])
    damaged = jar(tmp_path / "damaged" / "host.jar", classes)
    run = _run(workspace, f"jira=10.0.0:{damaged}")
    document = _document(run)
    assert run.code == 12 and document["result"] == "incomplete"
    (unreadable,) = document["hosts"][0]["unreadable"]
    assert unreadable["where"].endswith("host.jar!com/example/host/LegacyHelper.class")
    assert "truncated" in unreadable["problem"]
    assert document["hosts"][0]["missing"] == []  # not missing either: it could not be read
    assert {f["reference"] for f in document["hosts"][0]["unresolved"]} == {
        "com.example.host.LegacyHelper",
        "com.example.host.LegacyHelper.help()",
    }
