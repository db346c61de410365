"""How a writing after-release command ends when a hosting fails: partial after a write, failed
before any, and in both cases advice the user can act on."""

from __future__ import annotations

from publisher.commands.hosting_steps import HostingStep, Steps, ended
from publisher.errors import ExitCode, RejectedError
from publisher.outcome import CommandReport

REPORT = CommandReport("promote", "promoted", 0)


def test_a_failure_before_any_write_says_nothing_changed_and_to_re_run() -> None:
    """An error that carries no advice of its own (e.g. 'the version is not on Marketplace')."""
    stop = RejectedError("server version 2.4.0 is not on Marketplace")
    steps = Steps((HostingStep("server", "failed"), HostingStep("datacenter", "not-reached")), stop)
    report = ended(REPORT, steps)
    assert report.result == "failed" and report.exit_code == int(ExitCode.REJECTED)
    assert report.error == "server version 2.4.0 is not on Marketplace (not reached: datacenter)"
    assert report.advice and "nothing was changed on Marketplace" in report.advice


def test_a_failure_before_any_write_keeps_the_errors_own_advice() -> None:
    stop = RejectedError("refused", advice="ask the app's admin for the right")
    report = ended(REPORT, Steps((HostingStep("server", "failed"),), stop))
    assert report.advice == "ask the app's admin for the right"


def test_a_failure_after_a_write_is_partial_and_names_the_hosting_done() -> None:
    stop = RejectedError("datacenter listing is under review")
    done = (HostingStep("server", "promoted", written=True), HostingStep("datacenter", "failed"))
    report = ended(REPORT, Steps(done, stop))
    assert report.result == "partial" and report.exit_code == int(ExitCode.PARTIAL)
    assert report.error == "server: promoted; then datacenter listing is under review"
    assert report.advice and report.advice.startswith("re-run the same command to finish")
