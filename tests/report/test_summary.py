"""What the job summary says, outcome by outcome, and that it always fits GitHub's 1 MiB."""

from __future__ import annotations

import re

import pytest

from publisher.errors import ExitCode
from publisher.outcome import CommandReport, DocumentChange, HostingResult, RunReport, Upload
from publisher.report.document import md_table
from publisher.report.github import MAX_SUMMARY_BYTES
from publisher.report.summary import CUT_NOTE, outcome_heading, summary_markdown

HEADINGS = {
    "published": "## ✅ Published: com.example.timesheets 2.4.0 (build 2004000)",
    "updated": "## ✅ Updated: com.example.timesheets 2.4.0 (build 2004000)",
    "unchanged": "## ✅ Unchanged: com.example.timesheets 2.4.0 (build 2004000)",
    "planned": "## 📝 Planned: com.example.timesheets 2.4.0 (build 2004000)",
    "failed-invalid-config": "## ❌ Failed: release.yml is invalid (2 errors)",
    "failed-rejected": "## ❌ Failed, rejected by Marketplace: com.example.timesheets 2.4.0",
    "partial": "## ⚠️ Partially published: com.example.timesheets 2.4.0 (build 2004000)",
}


@pytest.mark.parametrize("outcome", list(HEADINGS))
def test_the_summary_states_the_outcome_first(summaries: dict[str, str], outcome: str) -> None:
    assert summaries[outcome].startswith(HEADINGS[outcome])
    assert "None" not in summaries[outcome]


@pytest.mark.parametrize("code", [code for code in ExitCode if code != ExitCode.OK])
def test_every_failing_exit_code_says_why_in_the_heading(code: ExitCode) -> None:
    report = RunReport(command="publish", config="release.yml", result="failed", exit_code=code)
    assert outcome_heading(report) == f"## ❌ Failed, {code.why}: release.yml"
    assert code.why and "exit code" not in code.why


def test_an_invalid_release_yml_is_located_with_repository_paths(
    summaries: dict[str, str],
) -> None:
    text = summaries["failed-invalid-config"]
    assert "**Why:** payment: 'gratis' is not one of" in text
    assert "at <code>release.yml:11</code>" in text
    assert "<code>release.yml:45</code> listing.youtube" in text  # the second problem, listed
    assert "/tmp" not in text


def test_a_rejected_publish_names_the_line_and_links_no_version(
    summaries: dict[str, str],
) -> None:
    text = summaries["failed-rejected"]
    assert "**Why:** Marketplace rejected supportedPaymentModel (from <code>payment</code>)" in text
    assert "at <code>release.yml:11</code>" in text
    assert "[version (REST API)](" not in text  # never created: no link to it
    assert "| datacenter | not created | not created |  |" in text
    assert "shown above" not in text


def test_a_partial_publish_shows_the_created_version_and_what_is_missing(
    summaries: dict[str, str],
) -> None:
    text = summaries["partial"]
    assert "| datacenter | created ✓ | not created | [version (REST API)](" in text
    assert "re-run" in text


def test_a_dry_run_lists_nothing_as_uploaded(summaries: dict[str, str]) -> None:
    text = summaries["planned"]
    assert "Nothing to upload." in text
    assert "Reused, would not be sent: the artifact" in text
    assert "| datacenter | update | unchanged |" in text


def test_uploads_are_real_ones_with_size_and_sha512(summaries: dict[str, str]) -> None:
    text = summaries["published"]
    rows = [line for line in text.splitlines() if line.startswith("| artifact ")]
    assert len(rows) == 1 and "775\u00a0B" in rows[0]
    assert re.search(r"<code>[0-9a-f]{16}…</code>", rows[0])
    assert text.count("| screenshot ") == 4 and "Reused" not in text
    updated = summaries["updated"]
    assert "Nothing was uploaded." in updated and "6 images recorded" in updated


def test_counts_agree_with_their_nouns(summaries: dict[str, str]) -> None:
    text = summaries["updated"]
    assert "JSON Patch, 1 operation on <code>/changelog/releaseNotes</code>" in text
    assert "JSON Patch, 1 operation on <code>/screenshots/0/caption</code>" in text
    assert not re.search(r"\b1 (operations|images|requests)\b", "\n".join(summaries.values()))


def test_an_unchanged_run_shows_the_live_state(summaries: dict[str, str]) -> None:
    text = summaries["unchanged"]
    assert "### Live state" in text
    assert "| datacenter | unchanged | unchanged | [version (REST API)](" in text


def _huge_report(hostings: int, operations: int) -> RunReport:
    patch = tuple(
        {"op": "replace", "path": f"/screenshots/{i}/caption", "value": "x" * 200}
        for i in range(operations)
    )
    change = DocumentChange("update", patch, done=True)
    return RunReport(
        "publish",
        "release.yml",
        "updated",
        0,
        app="com.example.timesheets",
        version="2.4.0",
        build=1,
        hostings=tuple(HostingResult(f"h{n}", None, change, change) for n in range(hostings)),
        uploads=(Upload("artifact", "a.jar", 10, "sha512:" + "ab" * 64, "id"),),
        requests=1,
    )


@pytest.mark.parametrize("limit", [MAX_SUMMARY_BYTES, 20_000, 3_000])
def test_a_huge_summary_is_cut_whole_blocks_under_the_limit(limit: int) -> None:
    text = summary_markdown(_huge_report(hostings=40, operations=400), [], limit)
    assert len(text.encode()) <= limit
    assert text.startswith("## ✅ Updated: com.example.timesheets 2.4.0 (build 1)")
    assert CUT_NOTE in text
    assert text.count("```") % 2 == 0
    assert text.count("<details") == text.count("</details>")


def test_a_summary_that_fits_is_not_cut() -> None:
    text = summary_markdown(_huge_report(hostings=1, operations=2), [], MAX_SUMMARY_BYTES)
    assert CUT_NOTE not in text and "exit code 0" in text


def test_a_huge_command_summary_is_cut_at_a_line_end_not_inside_an_escape() -> None:
    rows = [[f"com.example.app{i}", "Name | with <b>markup</b> @x", "PUBLIC"] for i in range(400)]
    report = CommandReport("apps", "listed", 0, markdown=md_table(["key", "name", "state"], rows))
    for limit in range(3_000, 3_400, 7):  # cuts landing everywhere in a row
        text = summary_markdown(report, [], limit)
        assert len(text.encode()) <= limit and text.endswith(CUT_NOTE)
        last = text.removesuffix(CUT_NOTE).splitlines()[-1]
        assert last.startswith("| com.example.app") and last.endswith("| PUBLIC |"), last


def test_a_real_marketplace_version_links_its_page_for_people_not_the_rest_url() -> None:
    api = "https://api.atlassian.com/marketplace/rest/3/app-software/ab12/versions/build/2004000"
    report = RunReport(
        command="publish",
        config="release.yml",
        result="unchanged",
        exit_code=0,
        app="com.example.timesheets",
        version="2.4.0",
        build=2004000,
        hostings=(HostingResult("datacenter", "ab12", version_url=api),),
    )
    text = summary_markdown(report, [], MAX_SUMMARY_BYTES)
    page = "https://marketplace.atlassian.com/plugins/com.example.timesheets?hosting=datacenter"
    assert f"[Marketplace page]({page}&tab=versions)" in text, text
    assert "/rest/3/" not in text  # answers 401 in a browser
