"""Command line: argument parsing only; each command calls one function in publisher.commands.

Only argparse and the exit codes are imported up front: `--version` and `--help` answer before
anything else loads, and each command imports what it needs (HTTP, YAML, jsonschema, markdown)
when it runs, so `validate` never loads the HTTP stack (issue #24; tests/test_startup.py).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from functools import partial

from publisher import __version__
from publisher.errors import ExitCode, PublisherError, UsageError

TYPE_CHECKING = False  # typing's, without importing typing: a sixth of what --version imports
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any, NoReturn

    from publisher.commands.run import WithReporter
    from publisher.exits import Signals
    from publisher.secrets import Redactor

_EPILOG_WIDTH = 88  # the exit-code lines of --help wrap here


def _exit_codes_paragraph() -> str:
    """`exit codes: 0 ok, 1 unexpected, ...` from ExitCode's labels, so --help cannot drift from
    the codes; lines break between entries, never inside one ("5 rate/quota limit")."""
    entries = [f"{int(code)} {code.label}," for code in ExitCode]
    entries[-1] = entries[-1].removesuffix(",")
    lines = ["exit codes:"]
    for entry in entries:
        if len(lines[-1]) + 1 + len(entry) > _EPILOG_WIDTH:
            lines.append(" ")  # the entry's own space makes the two-space indent
        lines[-1] += f" {entry}"
    return "\n".join(lines)


EPILOG = f"""\
environment:
  MPAC_USER      Atlassian account email
  MPAC_TOKEN     Atlassian API token (never a flag)
  MPAC_API_URL   API root (default https://api.atlassian.com/marketplace)
  MPAC_STATE_DIR upload ledger and resume journal (default: the user cache directory)
  NO_COLOR       non-empty: no colour on a terminal (CI, GITHUB_ACTIONS: plain lines)

{_exit_codes_paragraph()}
  with --json, every exit ends with one JSON document on stdout
"""


def _path(text: str) -> Path:
    """argparse's `type` for paths; pathlib loads only once a command's arguments are read."""
    from pathlib import Path

    return Path(text)


class _Parser(argparse.ArgumentParser):
    """Usage errors become an exception, so `--json` still gets its document."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        advice = f"see {self.prog} --help"
        meant = _meant(self, message)
        if meant:
            advice = f"did you mean {meant}? ({advice})"
        raise UsageError(message, advice=advice)


def _meant(parser: argparse.ArgumentParser, message: str) -> str:
    """For "unrecognized arguments: --dryrun": the known options it is closest to."""
    prefix = "unrecognized arguments: "
    if not message.startswith(prefix):
        return ""
    import difflib  # only on this error path

    known = sorted(_options(parser))
    guesses = [
        match
        for word in message.removeprefix(prefix).split()
        if word.startswith("-")
        for match in difflib.get_close_matches(word.split("=")[0], known, n=1, cutoff=0.75)
    ]
    return " or ".join(dict.fromkeys(guesses))


def _options(parser: argparse.ArgumentParser) -> set[str]:
    """Every long option of `parser` and of its commands, however deep."""
    found: set[str] = set()
    for action in parser._actions:  # argparse keeps no public list of a parser's options
        found |= {o for o in action.option_strings if o.startswith("--")}
        commands = getattr(action, "choices", None)
        if isinstance(commands, dict):  # a subparsers action: command name -> its parser
            for command in commands.values():
                found |= _options(command)
    return found


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
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
    publish.add_argument("--receipt", type=_path, metavar="FILE", help="write a release receipt")
    publish.add_argument("--stage", action="store_true", help="a new listing is created PRIVATE")
    plan = commands.add_parser("plan", help="the same as publish --dry-run")
    _config_arguments(plan)
    _publish_arguments(plan)

    schema = commands.add_parser("schema", help="print the release.yml JSON Schema")
    schema.add_argument(
        "--markdown", action="store_true", help="print the reference table instead (README)"
    )

    _after_release_commands(commands)
    _trust_commands(commands)

    sandbox = commands.add_parser("sandbox", help="run a local Marketplace to rehearse against")
    sandbox.add_argument("--port", type=int, default=8765, help="default: 8765 (0: any free)")
    seeds = sandbox.add_mutually_exclusive_group()
    seeds.add_argument("--seed", type=_path, help="accounts and apps (YAML); default: a demo")
    seeds.add_argument(
        "--for",
        dest="for_release",
        type=_path,
        metavar="RELEASE_YML",
        help="seed the app, hostings and host product versions of this release.yml",
    )
    return parser


def _after_release_commands(commands: Any) -> None:
    """apps, status, compat check|bump, yank: reading and tending what is already published."""
    apps = commands.add_parser("apps", help="list the apps of your developer space")
    _account_arguments(apps)
    apps.add_argument("--hosting", choices=("datacenter", "server", "cloud"))
    apps.add_argument("--text", help="keep apps whose key or name contains this text")
    apps.add_argument("--json", action="store_true", help="print one JSON result document")

    status = commands.add_parser("status", help="what is live, and whether it matches release.yml")
    _config_arguments(status)
    status.set_defaults(config=None)  # release.yml, or an app key (see commands/after.py)
    status.add_argument("--versions", type=int, default=3, help="newest versions shown (3)")
    _account_arguments(status)

    compat = commands.add_parser(
        "compat", help="host versions above the live max; verify against them; raise it"
    )
    actions = compat.add_subparsers(dest="compat_action", metavar="ACTION", required=True)
    check = actions.add_parser("check", help="list host versions released above the live max")
    _config_arguments(check)
    _account_arguments(check)
    bump = actions.add_parser("bump", help="raise the live version's max compatibility")
    _config_arguments(bump)
    _account_arguments(bump)
    bump.add_argument("--to", default="latest", help="VERSION, PRODUCT=VERSION or latest")
    bump.add_argument("--dry-run", action="store_true", help="show the JSON Patch; write nothing")
    bump.add_argument("--write-config", action="store_true", help="also update max: in release.yml")
    bump.add_argument("--verified", type=_path, help="a `compat verify --json` report to respect")
    bump.add_argument("--force", metavar="REASON", help="raise past what it found breaking")

    _compat_verify_arguments(actions)

    yank = commands.add_parser("yank", help="hide a version (listing PUBLIC -> PRIVATE)")
    _config_arguments(yank)
    _account_arguments(yank)
    yank.add_argument("--build", type=int, help="the build to hide (default: release.yml's)")
    yank.add_argument("--replacement", type=int, help="a build that must be public first")
    yank.add_argument("--execute", action="store_true", help="act (default: a dry run)")


def _compat_verify_arguments(actions: Any) -> None:
    """compat verify and compat surface: offline, no account (commands/compat_verify.py)."""
    verify = actions.add_parser("verify", help="check the artifact's bytecode against host jars")
    _config_arguments(verify)
    verify.add_argument(
        "--against",
        action="append",
        default=[],
        metavar="PRODUCT=VERSION:PATH",
        help="a host version's jars: a directory, a jar or a `compat surface` file (repeatable)",
    )
    surface = actions.add_parser("surface", help="write a host version's API surface file")
    surface.add_argument("path", type=_path, help="a directory of jars, or a jar")
    surface.add_argument("-o", "--output", type=_path, required=True, help="the file to write")
    surface.add_argument("--json", action="store_true", help="print one JSON result document")


def _trust_commands(commands: Any) -> None:
    """verify, doctor: checking what shipped, and the credentials that ship it."""
    verify = commands.add_parser("verify", help="check that Marketplace serves what was published")
    _config_arguments(verify)
    verify.set_defaults(config=None)  # release.yml, or APP@BUILD (see commands/trust.py)
    verify.add_argument("--receipt", type=_path, metavar="FILE", help="the publish's receipt")
    verify.add_argument("--file", type=_path, metavar="JAR", help="the artifact as built locally")
    _account_arguments(verify)

    promote = commands.add_parser("promote", help="make a staged version public (receipt checked)")
    _config_arguments(promote)
    promote.set_defaults(config=None)  # release.yml is optional: the receipt names the version
    promote.add_argument("--receipt", type=_path, metavar="FILE", required=True)
    promote.add_argument("--execute", action="store_true", help="act (default: a dry run)")
    _account_arguments(promote)

    doctor = commands.add_parser("doctor", help="check the credentials, reading only")
    _config_arguments(doctor)
    doctor.set_defaults(config=None)  # ./release.yml when there is one
    _account_arguments(doctor)


def _account_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--api-url", help="API root (default: $MPAC_API_URL or Marketplace)")
    parser.add_argument("--user", help="account email (default: $MPAC_USER)")
    parser.add_argument(
        "--token-stdin", action="store_true", help="read the API token from standard input"
    )


def _publish_arguments(parser: argparse.ArgumentParser) -> None:
    _account_arguments(parser)
    parser.add_argument(
        "--sandbox",
        action="store_true",
        help="rehearse against a local sandbox Marketplace started for this run",
    )
    parser.add_argument(
        "--images",
        choices=("keep", "upload"),
        default="keep",
        help="listing images the state directory has no record of: keep the live ones when the "
        "listing's image slots match (default), or upload them again",
    )
    parser.add_argument(
        "--allow-duplicate-version",
        action="store_true",
        help="publish even if another build already has this version number",
    )
    parser.add_argument(
        "--listing-state",
        choices=("keep", "release"),
        default="keep",
        help="an existing listing's state (PUBLIC/PRIVATE): keep it as it is live (default; "
        "listing.state applies when a listing is created), or set it to listing.state",
    )
    parser.add_argument(
        "--replace-artifact",
        action="store_true",
        help="swap the artifact of an existing version whose binary differs (default: stop, "
        "exit 10)",
    )


def _config_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "config", nargs="?", default="release.yml", type=_path, help="default: ./release.yml"
    )
    parser.add_argument(
        "--workspace",
        type=_path,
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
    argv = list(sys.argv[1:] if argv is None else argv)
    parsed: argparse.Namespace | BaseException
    try:
        parsed = build_parser().parse_args(argv)  # --version and --help end here (SystemExit)
    except SystemExit:
        raise
    except BaseException as exc:  # a usage error: raised again in _run, which reports every error
        parsed = exc
    return _run(parsed, argv, env)


def _run(
    parsed: argparse.Namespace | BaseException, argv: list[str], env: Mapping[str, str]
) -> int:
    # Imported here, not at the top: `--version` and `--help` need none of them (issue #24).
    from publisher import events as ev
    from publisher.exits import Signals, command_of, exit_code_of, last_report, wants_json
    from publisher.report.jsonout import JsonReporter
    from publisher.secrets import Redactor, secret_forms

    signals = Signals()
    redact = Redactor(secret_forms(env.get("MPAC_USER"), env.get("MPAC_TOKEN")))
    with signals.installed():
        try:
            if isinstance(parsed, BaseException):
                raise parsed
            args = parsed
            if args.command is None:
                build_parser().print_help(sys.stderr)
                raise UsageError("no command given", advice="see mpac-publisher --help")
            redact.add(secret_forms(getattr(args, "user", None), env.get("MPAC_TOKEN")))
            return _dispatch(args, env, redact, partial(_with_reporter, signals=signals))
        except BrokenPipeError:  # `mpac-publisher plan | head`: the reader left, nothing to report
            with contextlib.suppress(OSError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return int(ExitCode.UNEXPECTED)
        except BaseException as exc:  # every way out gets its exit code
            if isinstance(exc, SystemExit):  # --help, --version
                raise
            _say_last_words(exc, env, redact)
            if wants_json(argv) and not signals.settled:
                signals.settle()
                report = last_report(command_of(argv), "", exc)
                JsonReporter(sys.stdout, redact=redact).emit(ev.Finished(report))
            return int(exit_code_of(exc))


def _say_last_words(exc: BaseException, env: Mapping[str, str], redact: Redactor) -> None:
    """An error no reporter got to show, on stderr."""
    from publisher.exits import last_report

    if isinstance(exc, Exception) and not isinstance(exc, PublisherError) and env.get("MPAC_DEBUG"):
        _to_stderr(_traceback_text(), redact)
    report = last_report("", "", exc)
    _to_stderr(f"mpac-publisher: {report.error}\n  hint: {report.advice}\n", redact)


def _traceback_text() -> str:
    import traceback  # only with MPAC_DEBUG: it loads linecache and the source readers

    return traceback.format_exc()


def _to_stderr(text: str, redact: Redactor) -> None:
    """Text outside any reporter: redacted, controls shown, never a workflow command."""
    from publisher.report.controls import visible_controls
    from publisher.report.workflow import neutralise

    sys.stderr.write(neutralise(visible_controls(redact(text))))
    sys.stderr.flush()


def _dispatch(
    args: argparse.Namespace, env: Mapping[str, str], redact: Redactor, with_reporter: WithReporter
) -> int:
    if args.command == "schema":
        from publisher.commands.schema import print_schema

        return print_schema(sys.stdout, args.markdown)
    if args.command == "validate":
        from publisher.commands.validate import ConfigOptions, validate

        options = ConfigOptions.from_args(args)
        return with_reporter(args, env, redact, lambda emit: validate(options, env, emit))
    if args.command in ("publish", "plan"):
        from publisher.commands.run import run_publish

        return run_publish(args, env, with_reporter, redact)
    if args.command == "compat" and args.compat_action in ("verify", "surface"):
        from publisher.commands.compat_verify import run_verify

        return run_verify(args, env, with_reporter)
    if args.command in ("apps", "status", "compat", "yank"):
        from publisher.commands.after import run_after

        return run_after(args, env, with_reporter)
    if args.command in ("verify", "doctor", "promote"):
        from publisher.commands.trust import run_trust

        return run_trust(args, env, with_reporter)
    if args.command == "sandbox":
        from publisher.commands.run import run_sandbox

        return run_sandbox(args, env)
    raise AssertionError(f"unhandled command {args.command}")


def _with_reporter(
    args: argparse.Namespace,
    env: Mapping[str, str],
    redact: Redactor,
    run: Callable[[Callable[..., None]], int],
    *,
    signals: Signals | None = None,
) -> int:
    """Run a command with its reporter; whatever stops it, the reporter shows a final result."""
    from publisher import events as ev
    from publisher.exits import Signals, exit_code_of, last_report
    from publisher.report import choose_reporter

    reporter = choose_reporter(json_output=getattr(args, "json", False), redact=redact, env=env)
    signals = signals or Signals()  # not installed: still tells whether the result is out

    def emit(event: ev.Event) -> None:
        if isinstance(event, ev.Finished):
            signals.settle()  # the result is final: a later signal must not contradict it
        reporter.emit(event)

    try:
        return run(emit)
    except BrokenPipeError:
        raise
    except BaseException as exc:  # interrupts and bugs get a document too
        if signals.settled:
            raise
        if env.get("MPAC_DEBUG") and exit_code_of(exc) == ExitCode.UNEXPECTED:
            _to_stderr(_traceback_text(), redact)
        emit(ev.Finished(last_report(args.command, str(getattr(args, "config", "")), exc)))
        return int(exit_code_of(exc))
    finally:
        reporter.close()
