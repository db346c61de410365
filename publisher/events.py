"""What every stage tells the outside world. Stages emit events; reporters render them.

A new CI system is a new reporter, nothing else: no stage prints anything itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from publisher.diagnostics import Diagnostic
from publisher.outcome import CommandReport, RunReport


@dataclass(frozen=True)
class StageStarted:
    """One of load, plan, execute, report; GitHub folds each into a ::group::."""

    name: str


@dataclass(frozen=True)
class StageFinished:
    name: str


@dataclass(frozen=True)
class Info:
    message: str


@dataclass(frozen=True)
class Problem:
    """A warning or an error, located in release.yml when it can be."""

    diagnostic: Diagnostic


@dataclass(frozen=True)
class StepStarted:
    key: str  # stable id, e.g. "upload-artifact", "version:datacenter"
    title: str


@dataclass(frozen=True)
class Progress:
    """Bytes sent of an upload: `key` names the upload, `name` its file (a basename, for the
    bar's label) and `step` the step it is part of when that is not `key` itself (each image
    of the images step)."""

    key: str
    done: int
    total: int
    name: str = ""
    step: str = ""


@dataclass(frozen=True)
class Waiting:
    """Time left before the next upload may start (Marketplace's spacing rule); the last one
    of a wait has `remaining` 0. `key` is the step that waits."""

    reason: str
    remaining: float
    total: float
    key: str = ""


@dataclass(frozen=True)
class Retrying:
    what: str
    attempt: int
    reason: str
    delay: float


StepOutcome = Literal["done", "skipped", "failed"]


@dataclass(frozen=True)
class StepFinished:
    key: str
    title: str
    outcome: StepOutcome
    detail: str = ""


@dataclass(frozen=True)
class Finished:
    """The end of a command: its result document (publisher.outcome)."""

    report: RunReport | CommandReport


Event = (
    StageStarted
    | StageFinished
    | Info
    | Problem
    | StepStarted
    | Progress
    | Waiting
    | Retrying
    | StepFinished
    | Finished
)

Emit = Callable[[Event], None]


def discard(event: Event) -> None:
    """An Emit that drops everything (library use without output)."""
