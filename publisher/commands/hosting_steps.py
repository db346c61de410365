"""Per hosting, what a writing after-release command (`yank`, `compat bump`, `promote`) did,
carried into every way it ends: when a hosting fails or a signal arrives, the hostings after it
are not reached, and the report still names each hosting's step. A write that went through
before the failure makes it partial (exit 7, like `publish`); SIGINT/SIGTERM end as `interrupted`
(130/143) with the same per-hosting record in the text, `--json`, and the job summary. A failure
before any write says so, and what to do, even when its error carries no advice."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from publisher.errors import ExitCode, PublisherError
from publisher.exits import StoppedError
from publisher.marketplace.retry import RetryPolicy
from publisher.outcome import CommandReport

T = TypeVar("T")
NOTHING_WRITTEN = (
    "nothing was changed on Marketplace: re-run the same command once the cause is fixed"
)
Stop = PublisherError | KeyboardInterrupt


@dataclass(frozen=True)
class HostingStep:
    """One hosting's step. `action` is the command's word (planned, hidden, raised, ...) or
    failed, unknown (a write sent whose outcome stayed unknown), interrupted, not-reached."""

    hosting: str
    action: str
    written: bool = False  # Marketplace took a write for this hosting (or may have: unknown)
    fields: dict[str, Any] = field(default_factory=dict)  # the command's own: patch, state

    def to_json(self) -> dict[str, Any]:
        return {"hosting": self.hosting, **self.fields, "action": self.action}


@dataclass(frozen=True)
class Steps:
    done: tuple[HostingStep, ...]
    stopped: Stop | None = None  # what ended the run before every hosting was done

    @property
    def written(self) -> list[HostingStep]:
        return [s for s in self.done if s.written]


def step_through(
    items: Sequence[T],
    hosting_of: Callable[[T], str],
    act: Callable[[T], HostingStep],
    policy: RetryPolicy,
    fields_of: Callable[[T], dict[str, Any]],
) -> Steps:
    """`act` on each hosting in turn; the first failure or signal stops the rest, and is kept
    (not raised) so the report can say what each hosting got. `fields_of` fills the command's
    own fields of a step that did not finish."""
    done: list[HostingStep] = []
    for index, item in enumerate(items):
        unsettled = len(policy.unsettled)
        try:
            done.append(act(item))
        except (PublisherError, KeyboardInterrupt) as exc:
            sent = len(policy.unsettled) > unsettled  # a PUT went out; its outcome is unknown
            action = "interrupted" if isinstance(exc, KeyboardInterrupt) else "failed"
            action = "unknown" if sent else action
            done.append(HostingStep(hosting_of(item), action, sent, fields_of(item)))
            rest = items[index + 1 :]
            done += [HostingStep(hosting_of(x), "not-reached", fields=fields_of(x)) for x in rest]
            return Steps(tuple(done), exc)
    return Steps(tuple(done))


def ended(report: CommandReport, steps: Steps) -> CommandReport:
    """The report of a run, made `partial` (exit 7), `failed` or `interrupted` when it stopped
    early; the error names what was written before, hosting by hosting."""
    exc = steps.stopped
    if exc is None:
        return report
    before = "; ".join(f"{s.hosting}: {s.action}" for s in steps.written)
    skipped = [s.hosting for s in steps.done if s.action == "not-reached"]
    after = f" (not reached: {', '.join(skipped)})" if skipped else ""
    if isinstance(exc, KeyboardInterrupt):
        stopped = StoppedError(exc)
        message = stopped.message + (f" after {before}" if before else ", before any write")
        return _stopped(report, "interrupted", stopped, message + after)
    if steps.written:
        return _stopped(
            report,
            "partial",
            exc,
            f"{before}; then {exc.message}{after}",
            code=ExitCode.PARTIAL,
            advice="re-run the same command to finish: a hosting already done is left as it is",
        )
    return _stopped(
        report, "failed", exc, exc.message + after, advice=exc.advice or NOTHING_WRITTEN
    )


def _stopped(
    report: CommandReport,
    result: str,
    exc: PublisherError,
    message: str,
    *,
    code: ExitCode | None = None,
    advice: str | None = None,
) -> CommandReport:
    return dataclasses.replace(
        report,
        result=result,
        exit_code=int(code or exc.exit_code),
        error=message,
        advice=advice or exc.advice,
        diagnostics=report.diagnostics + exc.diagnostics,
    )
