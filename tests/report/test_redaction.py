"""The redactor: URL userinfo in any text, a swapped MPAC_USER, data redacted before escaping."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from publisher import events as ev
from publisher.outcome import RunReport
from publisher.report.github import GitHubReporter
from publisher.secrets import Redactor, mask_userinfo, secret_forms


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("get https://u:p@host/x.jar now", "get https://***@host/x.jar now"),
        ("https://u:p@ss@host/x", "https://***@host/x"),  # a raw @ in the password
        ("a http://[::1]:80/x and ftp://t@h:21/y", "a http://[::1]:80/x and ftp://***@h:21/y"),
        (
            '{"uri": "https://deploy:tok@127.0.0.1:9/a.jar"}',
            '{"uri": "https://***@127.0.0.1:9/a.jar"}',
        ),
        ("mail me@example.com", "mail me@example.com"),
    ],
)
def test_url_userinfo_is_masked_wherever_a_url_appears(text: str, shown: str) -> None:
    assert mask_userinfo(text) == shown
    assert Redactor()(text) == shown


def test_a_user_that_is_not_an_email_is_a_secret_and_an_email_is_not() -> None:
    assert "ATATT3xFfGF0swapped" in secret_forms("ATATT3xFfGF0swapped", "dev@example.com")
    assert "dev@example.com" not in secret_forms("dev@example.com", "tok-123456")


def test_data_is_redacted_before_it_is_escaped() -> None:
    token = 'a"b\\c-0123456789'
    redact = Redactor([token])  # the raw token only: its escaped forms are not registered
    report = RunReport("publish", "release.yml", "failed", 6, error=f"echo {token}")
    text = json.dumps(redact.scrub(report).to_json())
    assert "0123456789" not in text and "echo ***" in text


def test_the_job_summary_is_redacted_before_its_markdown_escaping(tmp_path: Path) -> None:
    token = "tok_en*with|markup"  # every one of _ * | is escaped in the summary
    summary = tmp_path / "summary.md"
    env = {"GITHUB_STEP_SUMMARY": str(summary)}
    reporter = GitHubReporter(io.StringIO(), redact=Redactor([token]), env=env)  # no Fanout
    error = f"https://u:pass_word@h.example/x refused {token}"
    reporter.emit(ev.Finished(RunReport("publish", "release.yml", "failed", 6, error=error)))
    written = summary.read_text()
    masked = "&#42;&#42;&#42;"  # *** as the summary writes it
    assert f"refused {masked}" in written
    assert f"https&#58;//{masked}&#64;<!-- -->h.example" in written
    assert "pass" not in written and "tok" not in written
