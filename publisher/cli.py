"""Command line: argument parsing only; each command calls one function in publisher.commands."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import traceback
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from publisher import __version__
from publisher.errors import ExitCode
from publisher.report import choose_reporter
from publisher.secrets import Redactor

EPILOG = """\
environment:
  MPAC_USER      Atlassian account email
  MPAC_TOKEN     Atlassian API token (never a flag)
  MPAC_API_URL   API root (default https://api.atlassian.com/marketplace)
  MPAC_STATE_DIR upload ledger and resume journal (default: the user cache directory)
  NO_COLOR       plain output on a terminal

exit codes: 0 ok, 1 unexpected, 2 usage, 3 invalid release.yml, 4 authentication,
  5 rate/quota limit, 6 rejected by Marketplace, 7 partial publish (re-run to finish),
  8 Marketplace unavailable
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mpac-publisher",
        description="Publish Atlassian Marketplace app versions from one release.yml.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    validate = commands.add_parser("validate", help="check release.yml and every file it names")
    _config_arguments(validate)

    publish = commands.add_parser("publish", help="publish the version release.yml describes")
    _config_arguments(publish)
    _publish_arguments(publish)
    publish.add_argument(
        "--dry-run", action="store_true", help="show what would be done; write nothing"
    )
    plan = commands.add_parser("plan", help="the same as publish --dry-run")
    _config_arguments(plan)
    _publish_arguments(plan)

    schema = commands.add_parser("schema", help="print the release.yml JSON Schema")
    schema.add_argument(
        "--markdown", action="store_true", help="print the reference table instead (README)"
    )

    sandbox = commands.add_parser("sandbox", help="run a local Marketplace to rehearse against")
    sandbox.add_argument("--port", type=int, default=8765, help="default: 8765 (0: any free)")
    seeds = sandbox.add_mutually_exclusive_group()
    seeds.add_argument("--seed", type=Path, help="accounts and apps (YAML); default: a demo")
    seeds.add_argument(
        "--for",
        dest="for_release",
        type=Path,
        metavar="RELEASE_YML",
        help="seed the app, hostings and host product versions of this release.yml",
    )
    return parser


def _publish_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--api-url", help="API root (default: $MPAC_API_URL or Marketplace)")
    parser.add_argument("--user", help="account email (default: $MPAC_USER)")
    parser.add_argument(
        "--token-stdin", action="store_true", help="read the API token from standard input"
    )
    parser.add_argument(
        "--sandbox",
        action="store_true",
        help="rehearse against a local sandbox Marketplace started for this run",
    )


def _config_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "config", nargs="?", default="release.yml", type=Path, help="default: ./release.yml"
    )
    parser.add_argument(
        "--workspace",
        type=Path,
        help="files must stay inside this directory (default: the repository root)",
    )
    parser.add_argument(
        "--allow-outside-workspace",
        action="store_true",
        help="allow release.yml to name files outside the workspace",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON result document")


def main(argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None) -> int:
    env = os.environ if env is None else env
    args = build_parser().parse_args(argv)
    if args.command is None:
        build_parser().print_help(sys.stderr)
        return int(ExitCode.USAGE)
    try:
        return _dispatch(args, env)
    except BrokenPipeError:  # `mpac-publisher plan | head`: the reader left, nothing to report
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return int(ExitCode.UNEXPECTED)
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return 130
    except Exception as exc:  # the last line of defence: one readable line, not a traceback
        if env.get("MPAC_DEBUG"):
            traceback.print_exc()
        sys.stderr.write(
            f"mpac-publisher: unexpected error: {type(exc).__name__}: {exc}\n"
            "  this is a bug; please report it (set MPAC_DEBUG=1 for the traceback)\n"
        )
        return int(ExitCode.UNEXPECTED)


def _dispatch(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    if args.command == "schema":
        from publisher.commands.schema import print_schema

        return print_schema(sys.stdout, args.markdown)
    if args.command == "validate":
        from publisher.commands.validate import ConfigOptions, validate

        options = ConfigOptions(args.config, args.workspace, args.allow_outside_workspace)
        return _with_reporter(args, env, Redactor(), lambda emit: validate(options, env, emit))
    if args.command in ("publish", "plan"):
        from publisher.commands.run import run_publish

        return run_publish(args, env, _with_reporter)
    if args.command == "sandbox":
        from publisher.commands.run import run_sandbox

        return run_sandbox(args, env)
    raise AssertionError(f"unhandled command {args.command}")


def _with_reporter(
    args: argparse.Namespace,
    env: Mapping[str, str],
    redact: Redactor,
    run: Callable[[Callable[..., None]], int],
) -> int:
    reporter = choose_reporter(json_output=args.json, redact=redact, env=env)
    try:
        return run(reporter.emit)
    finally:
        reporter.close()
