"""The GitHub Action's inputs -> one mpac-publisher command line, run in place of this process.

action.yml maps every input through env (composite actions get no INPUT_*), and its first step has
already turned the booleans into `true`/`false`. This module picks the command from the `command`
input, refuses an option input the command does not take (exit 2, before anything is sent), and
execs the tool. Adding a command to the action is one line in COMMANDS.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from publisher.errors import ExitCode

OPTIONAL = "optional"  # a release.yml is passed only when the file is there


@dataclass(frozen=True)
class Command:
    """How the action runs one command: its argv for a real run and for a dry run."""

    argv: tuple[str, ...]
    dry_argv: tuple[str, ...] | None = None  # None: the command never writes
    config: bool | str = True  # takes release.yml as its argument (or OPTIONAL)
    options: frozenset[str] = frozenset()  # the option inputs (OPTIONS) it takes
    real_only: frozenset[str] = frozenset()  # of those, the ones a dry run leaves out


PUBLISH = frozenset({"replace-artifact", "images", "allow-duplicate-version", "listing-state"})
RECEIPT = frozenset({"receipt"})

# The `command` input's values, as typed on a command line.
COMMANDS: dict[str, Command] = {
    "publish": Command(
        ("publish",),
        ("plan",),
        options=PUBLISH | {"receipt", "stage"},
        real_only=RECEIPT | {"stage"},
    ),
    "plan": Command(("plan",), options=PUBLISH),
    "validate": Command(("validate",)),
    "status": Command(("status",)),
    "compat check": Command(("compat", "check")),
    "compat bump": Command(("compat", "bump"), ("compat", "bump", "--dry-run")),
    "yank": Command(("yank", "--execute"), ("yank",)),
    "apps": Command(("apps",), config=False),
    "schema": Command(("schema",), config=False),
    "verify": Command(("verify",), options=RECEIPT),
    "doctor": Command(("doctor",), config=OPTIONAL),
    "promote": Command(("promote", "--execute"), ("promote",), config=OPTIONAL, options=RECEIPT),
}

# Option input -> (environment variable, flag); a boolean's flag is given alone when `true`.
OPTIONS: dict[str, tuple[str, str]] = {
    "replace-artifact": ("REPLACE_ARTIFACT", "--replace-artifact"),
    "allow-duplicate-version": ("ALLOW_DUPLICATE_VERSION", "--allow-duplicate-version"),
    "images": ("IMAGES", "--images"),
    "listing-state": ("LISTING_STATE", "--listing-state"),
    "receipt": ("MPAC_RECEIPT", "--receipt"),
    "stage": ("MPAC_STAGE", "--stage"),
}
BOOLEAN = frozenset({"replace-artifact", "allow-duplicate-version", "stage"})


class InputProblem(Exception):
    """An input the action cannot run; the message says which and what it takes."""


def _command(env: Mapping[str, str]) -> tuple[str, Command]:
    name = " ".join(env.get("COMMAND", "").split()) or "publish"
    if name not in COMMANDS:
        known = ", ".join(COMMANDS)
        raise InputProblem(f"command must be one of {known}, not '{_shown(name)}'")
    return name, COMMANDS[name]


def _options(name: str, command: Command, env: Mapping[str, str], dry: bool) -> list[str]:
    argv: list[str] = []
    for option, (variable, flag) in OPTIONS.items():
        value = env.get(variable, "")
        given = value == "true" if option in BOOLEAN else value != ""
        if not given or (dry and option in command.real_only):
            continue
        if option not in command.options:
            takes = sorted(command.options)
            raise InputProblem(
                f"{option} is not an input of command '{name}'"
                + (f" (it takes {', '.join(takes)})" if takes else " (it takes none of them)")
            )
        argv += [flag] if option in BOOLEAN else [flag, value]
    return argv


def command_line(env: Mapping[str, str]) -> tuple[list[str], bool]:
    """(the tool's argv, whether this run may write to Marketplace); InputProblem."""
    name, command = _command(env)
    dry = env.get("DRY_RUN", "false") == "true"
    words = command.dry_argv if dry and command.dry_argv is not None else command.argv
    extra = [line.strip() for line in env.get("ARGUMENTS", "").splitlines() if line.strip()]
    argv = [*words, *_options(name, command, env, dry), *extra]
    config = env.get("MPAC_CONFIG") or "release.yml"
    if command.config is True or (command.config == OPTIONAL and os.path.isfile(config)):
        argv += ["--", config]  # `--`: a config input such as "--help" is a path, never an option
    writes = command.dry_argv is not None and not dry
    return argv, writes


def _shown(value: str) -> str:
    """A value as one line of an annotation: no second workflow command can ride on it."""
    return value.replace("%", "%25").replace("\r", " ").replace("\n", " ")


def main(argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None) -> int:
    """Writes `writes=` to $GITHUB_OUTPUT, then becomes the tool; exit 2 on a bad input."""
    env = os.environ if env is None else env
    try:
        tool, writes = command_line(env)
    except InputProblem as problem:
        print(
            f"::error title=mpac-publisher: invalid input::{problem}; nothing was run", flush=True
        )
        return int(ExitCode.USAGE)
    output = env.get("GITHUB_OUTPUT")
    if output:
        with open(output, "a", encoding="utf-8") as handle:
            handle.write(f"writes={'true' if writes else 'false'}\n")
    if argv is not None and list(argv) == ["--print"]:  # the tests' view of the command line
        print("\0".join(tool))
        return 0
    sys.stdout.flush()
    # The tool's own exit code, signals and outputs, with no Python of ours left around it.
    os.execv(sys.executable, [sys.executable, "-m", "publisher", *tool])  # noqa: S606


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
