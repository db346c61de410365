"""`mpac-publisher compat verify [release.yml] --against PRODUCT=VERSION:PATH` and `compat surface
PATH -o FILE`: the artifact's bytecode against host versions' own jars. No account, no network:
everything read is the artifact and PATH."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from publisher import events as ev
from publisher.bytecode.errors import ArchiveProblem
from publisher.bytecode.plugin import Plugin, read_plugin
from publisher.bytecode.surface import Surface, SurfaceProblem, read_surface, save_surface
from publisher.bytecode.verdict import verify_host
from publisher.commands.compat_verify_report import diagnostics_of, surface_report, verify_report
from publisher.commands.run import WithReporter
from publisher.commands.session import failed
from publisher.commands.validate import ConfigOptions, load
from publisher.config.model import Release
from publisher.diagnostics import error
from publisher.errors import ConfigError, PublisherError, UsageError
from publisher.outcome import CommandReport
from publisher.secrets import Redactor, secret_forms
from publisher.words import plural


@dataclass(frozen=True)
class Against:
    """One `--against PRODUCT=VERSION:PATH`."""

    product: str
    version: str
    path: Path

    @classmethod
    def parse(cls, text: str) -> Against:
        product, equals, rest = text.partition("=")
        version, colon, path = rest.partition(":")
        if not (equals and colon and product.strip() and version.strip() and path):
            raise UsageError(
                f"--against {text!r} is not PRODUCT=VERSION:PATH",
                advice="e.g. --against jira=11.0.0:hosts/jira-11.0.0 (a directory of jars, a "
                "jar, or a file written by `compat surface`)",
            )
        return cls(product.strip().lower(), version.strip(), Path(path))


def run_verify(
    args: argparse.Namespace, env: Mapping[str, str], with_reporter: WithReporter
) -> int:
    name = f"compat {args.compat_action}"
    redact = Redactor(secret_forms(env.get("MPAC_USER"), env.get("MPAC_TOKEN")))

    def go(emit: ev.Emit) -> int:
        try:
            if args.compat_action == "surface":
                report = surface(args.path, args.output, emit)
            else:
                against = tuple(Against.parse(a) for a in args.against)
                report = verify(ConfigOptions.from_args(args), against, env, emit)
        except PublisherError as exc:
            for d in exc.diagnostics:
                emit(ev.Problem(d))
            report = failed(name, exc)
        if report.error and not report.diagnostics:
            emit(ev.Problem(error(report.error)))
        emit(ev.Finished(report))
        return report.exit_code

    return with_reporter(args, env, redact, go)


def verify(
    config: ConfigOptions, against: tuple[Against, ...], env: Mapping[str, str], emit: ev.Emit
) -> CommandReport:
    if not against:
        raise UsageError(
            "compat verify needs at least one --against PRODUCT=VERSION:PATH",
            advice="PATH holds the host version's jars; see README, `compat verify`",
        )
    release = _release(config, env, emit)
    products = {c.product.lower() for c in release.compatibility}
    for host in against:
        if host.product not in products:
            raise UsageError(
                f"--against names {host.product}, which release.yml's compatibility does not "
                f"list (it lists {', '.join(sorted(products))})"
            )
    emit(ev.StageStarted("read"))
    plugin = _plugin(release)
    emit(
        ev.Info(
            f"{release.artifact.display}: {plural(len(plugin.sources), 'class', 'classes')}, "
            f"{plugin.bundled} bundled"
        )
    )
    results = []
    for host in against:
        result = verify_host(plugin, host.product, host.version, _host(host))
        emit(ev.Info(f"{result.name}: {result.verdict}"))
        results.append(result)
    emit(ev.StageFinished("read"))
    found = diagnostics_of(release, tuple(results))
    for diagnostic in found:  # all of them: the reporters cap what they show
        emit(ev.Problem(diagnostic))
    return verify_report(release, plugin, tuple(results), found)


def _release(config: ConfigOptions, env: Mapping[str, str], emit: ev.Emit) -> Release:
    emit(ev.StageStarted("load"))
    found = load(config, env, lambda event: None)  # diagnostics travel with the error
    emit(ev.StageFinished("load"))
    if found.release is None or not found.ok:
        raise ConfigError(f"{found.file} is invalid", diagnostics=tuple(found.diagnostics))
    return found.release


def _plugin(release: Release) -> Plugin:
    located = release.locate(("artifact",))
    path = release.artifact.path
    if path is None:
        raise ConfigError(
            "compat verify reads the artifact's classes, but release.yml's artifact is a URL",
            advice="build the artifact first and name the local file in `artifact:`",
            diagnostics=(error("artifact: a local file is needed", located, "artifact"),),
        )
    try:
        plugin = read_plugin(path)
    except ArchiveProblem as exc:
        message = f"the artifact cannot be verified: {exc}"
        raise ConfigError(message, diagnostics=(error(message, located, "artifact"),)) from None
    if not plugin.sources:  # nothing checked must not read as "compatible"
        message = (
            f"the artifact cannot be verified: {path} has no class files of its own (an OBR "
            "holds its plugin jar inside: name that jar, or verify it before packing)"
        )
        raise ConfigError(message, diagnostics=(error(message, located, "artifact"),))
    return plugin


def _host(host: Against) -> Surface:
    given = f"--against {host.product}={host.version}:{host.path}"
    if not host.path.exists():
        raise UsageError(f"{given}: {host.path} does not exist", advice=_FETCH)
    try:
        surface = read_surface(host.path)
    except (ArchiveProblem, SurfaceProblem) as exc:
        raise UsageError(f"{given}: {exc}", advice=_FETCH) from None
    if not surface.classes:
        raise UsageError(f"{given}: no class files found there", advice=_FETCH)
    return surface


_FETCH = "fetch the host version's jars first (README: `compat verify`, getting the jars in CI)"


def surface(path: Path, output: Path, emit: ev.Emit) -> CommandReport:
    if not path.exists():
        raise UsageError(f"{path} does not exist", advice=_FETCH)
    try:
        found = read_surface(path)
    except (ArchiveProblem, SurfaceProblem) as exc:
        raise UsageError(f"{path}: {exc}", advice=_FETCH) from None
    if not found.classes:
        raise UsageError(f"{path}: no class files found there", advice=_FETCH)
    try:
        save_surface(found, output)
    except OSError as exc:
        raise UsageError(f"-o {output}: cannot be written: {exc.strerror or exc}") from None
    return surface_report(found, output)
