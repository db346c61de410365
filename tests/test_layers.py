"""The rooms of publisher/ and which may import which (LAYOUT.md, "Which room may import which").

This is the one layering mechanism. The rules are data (the tables below), and every import
statement of every module under publisher/ is read with `ast` and checked against them:
absolute and relative imports, `import a.b` and `from a import b` (where `b` may itself be a
module), imports inside functions and under `if TYPE_CHECKING:` alike.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import publisher

PACKAGE_DIR = Path(publisher.__file__).parent
REPO_ROOT = PACKAGE_DIR.parent

# The modules at the top of publisher/, each in its room: the shared vocabulary, the exits
# (signals and the last report) and the entry point (argv -> one command).
TOP_LEVEL_ROOMS: dict[str, str] = {
    "publisher": "vocabulary",  # __init__.py holds only __version__
    "publisher.errors": "vocabulary",
    "publisher.diagnostics": "vocabulary",
    "publisher.events": "vocabulary",
    "publisher.outcome": "vocabulary",
    "publisher.secrets": "vocabulary",
    "publisher.concurrency": "vocabulary",
    "publisher.words": "vocabulary",
    "publisher.exits": "exits",
    "publisher.cli": "cli",
    "publisher.__main__": "cli",
}

# The rooms that are subpackages: every module under publisher/<room>/ is in <room>.
PACKAGE_ROOMS = frozenset(
    {
        "files",
        "config",
        "bytecode",
        "marketplace",
        "state",
        "publish",
        "report",
        "commands",
        "sandbox",
    }
)

_BELOW_COMMANDS = frozenset(
    {
        "vocabulary",
        "exits",
        "files",
        "config",
        "bytecode",
        "marketplace",
        "state",
        "publish",
        "report",
    }
)

# Room -> the rooms its modules may import. Every room lists itself.
MAY_IMPORT: dict[str, frozenset[str]] = {
    "vocabulary": frozenset({"vocabulary"}),
    "files": frozenset({"vocabulary", "files"}),
    "config": frozenset({"vocabulary", "files", "config"}),
    # Compiled Java read offline: it opens local files safely and nothing else.
    "bytecode": frozenset({"vocabulary", "files", "bytecode"}),
    "marketplace": frozenset({"vocabulary", "files", "marketplace"}),
    "state": frozenset({"vocabulary", "files", "state"}),  # files: the one safe reader
    "publish": frozenset({"vocabulary", "files", "config", "marketplace", "state", "publish"}),
    "report": frozenset({"vocabulary", "report"}),
    "commands": _BELOW_COMMANDS | {"commands", "sandbox"},  # anything but cli
    "sandbox": frozenset({"sandbox"}),  # nothing of the rest of publisher
    "exits": frozenset({"vocabulary", "exits"}),
    # The entry point sits above commands and reaches the rest through them and the reporters.
    "cli": frozenset({"vocabulary", "exits", "report", "commands", "cli"}),
}

# Importer -> imported modules that the table forbids and LAYOUT.md allows, with the reason.
EXCEPTIONS: dict[tuple[str, str], str] = {
    ("publisher.outcome", "publisher.marketplace.weblinks"): (
        "a leaf holding a URL rule; it can go once RunReport.outputs() moves into report/"
    ),
}

# Third-party HTTP: only these rooms may import these packages.
HTTP_LIBRARIES = frozenset({"requests", "urllib3", "requests_toolbelt"})
MAY_SPEAK_HTTP = frozenset({"marketplace", "sandbox"})

# Breaches tolerated while they are being removed, as exact importer -> imported modules; the
# suite fails once one of them no longer occurs, so this set can only shrink. Empty: keep it so.
KNOWN_VIOLATIONS: frozenset[tuple[str, str]] = frozenset()


@dataclass(frozen=True)
class Import:
    """One imported module, named in one statement of one module."""

    path: Path  # the importing file
    line: int
    importer: str  # the importing module, dotted
    imported: str  # the imported module, dotted (the submodule when `from a import b` names one)
    statement: str  # the statement as written, narrowed to this one name

    @property
    def pair(self) -> tuple[str, str]:
        return (self.importer, self.imported)


@dataclass(frozen=True)
class Breach:
    """An import that breaks a rule, and the rule it breaks."""

    found: Import
    rule: str

    def __str__(self) -> str:
        path = self.found.path
        where = path.relative_to(REPO_ROOT) if path.is_relative_to(REPO_ROOT) else path
        return f"{where}:{self.found.line}: `{self.found.statement}` breaks the rule: {self.rule}"


def modules_under(package_dir: Path) -> dict[str, Path]:
    """Every module of the package in package_dir, by dotted name (a package by its own name)."""
    found: dict[str, Path] = {}
    for path in sorted(package_dir.rglob("*.py")):
        parts = path.relative_to(package_dir.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def imports_of(module: str, path: Path, modules: dict[str, Path]) -> Iterator[Import]:
    """Every import anywhere in the module: at the top, in functions, under any `if`."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(path, node.lineno, module, alias.name, f"import {alias.name}")
        elif isinstance(node, ast.ImportFrom):
            base = _absolute_base(module, path.name == "__init__.py", node)
            written = "." * node.level + (node.module or "")
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                imported = submodule if submodule in modules else base
                statement = f"from {written} import {alias.name}"
                yield Import(path, node.lineno, module, imported, statement)


def _absolute_base(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    """The absolute name of the module a `from ... import` reads from."""
    if node.level == 0:
        return node.module or ""
    package = module.split(".") if is_package else module.split(".")[:-1]
    if node.level > len(package):
        raise AssertionError(f"{module}:{node.lineno}: a relative import above the package")
    anchor = package[: len(package) - node.level + 1]
    return ".".join([*anchor, node.module] if node.module else anchor)


def room_of(module: str) -> str | None:
    """The room of a module of the package (by its dotted name); None when it has none."""
    if module in TOP_LEVEL_ROOMS:
        return TOP_LEVEL_ROOMS[module]
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in PACKAGE_ROOMS else None


def rule_broken(room: str, found: Import, package: str) -> str | None:
    """The rule an import from a module in `room` breaks, or None."""
    first = found.imported.split(".")[0]
    if first in HTTP_LIBRARIES and room not in MAY_SPEAK_HTTP:
        speakers = ", ".join(sorted(MAY_SPEAK_HTTP))
        return f"only {speakers} may import {first}; {found.importer} is in {room}"
    if first != package or found.pair in EXCEPTIONS:
        return None
    target = room_of(found.imported)
    if target is None:
        return f"{found.imported} is in no room of tests/test_layers.py"
    if target in MAY_IMPORT[room]:
        return None
    allowed = ", ".join(sorted(MAY_IMPORT[room]))
    return f"{room} may import only {allowed}; {found.imported} is in {target}"


def breaches(package_dir: Path) -> list[Breach]:
    """Every import in the package that breaks the room table or the HTTP rule."""
    modules = modules_under(package_dir)
    found: list[Breach] = []
    for module, path in modules.items():
        room = room_of(module)
        if room is None:
            continue  # test_every_module_is_in_a_room names it
        for each in imports_of(module, path, modules):
            rule = rule_broken(room, each, package_dir.name)
            if rule is not None:
                found.append(Breach(each, rule))
    return found


def every_import(package_dir: Path) -> Iterator[Import]:
    modules = modules_under(package_dir)
    for module, path in modules.items():
        yield from imports_of(module, path, modules)


def against_known(
    found: list[Breach], known: frozenset[tuple[str, str]]
) -> tuple[list[Breach], list[tuple[str, str]]]:
    """The breaches that are not known, and the known violations that no longer occur."""
    new = [breach for breach in found if breach.found.pair not in known]
    gone = sorted(known - {breach.found.pair for breach in found})
    return new, gone


def test_the_table_names_every_room() -> None:
    rooms = set(TOP_LEVEL_ROOMS.values()) | PACKAGE_ROOMS
    assert set(MAY_IMPORT) == rooms
    assert all(room in MAY_IMPORT[room] and MAY_IMPORT[room] <= rooms for room in rooms)


def test_every_module_is_in_a_room() -> None:
    homeless = [module for module in modules_under(PACKAGE_DIR) if room_of(module) is None]
    if homeless:
        pytest.fail(
            "give these modules a room in TOP_LEVEL_ROOMS or PACKAGE_ROOMS of "
            "tests/test_layers.py:\n" + "\n".join(homeless),
            pytrace=False,
        )


def test_every_import_keeps_to_the_room_table() -> None:
    new, _ = against_known(breaches(PACKAGE_DIR), KNOWN_VIOLATIONS)
    if new:
        pytest.fail(
            "imports that break LAYOUT.md's room table:\n" + "\n".join(map(str, new)),
            pytrace=False,
        )


def test_known_violations_still_occur() -> None:
    _, gone = against_known(breaches(PACKAGE_DIR), KNOWN_VIOLATIONS)
    if gone:
        pytest.fail(
            "these keep to the rules now; remove them from KNOWN_VIOLATIONS:\n"
            + "\n".join(f"{importer} -> {imported}" for importer, imported in gone),
            pytrace=False,
        )


def test_every_exception_is_still_used() -> None:
    unused = sorted(set(EXCEPTIONS) - {found.pair for found in every_import(PACKAGE_DIR)})
    assert unused == [], "no import needs these EXCEPTIONS any more; remove them"


# The checker itself, against a small package written here: the suite shows it can fail.


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "publisher"
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_the_checker_reports_upward_and_http_imports(tmp_path: Path) -> None:
    journal = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from ..report import summary\n"
        "def send() -> None:\n"
        "    import requests.adapters\n"
    )
    root = _package(
        tmp_path,
        {
            "__init__.py": "",
            "errors.py": "",
            "outcome.py": "from publisher.marketplace.weblinks import page\n",
            "files/__init__.py": "",
            "files/regular.py": "from publisher.commands import publish\nfrom .. import errors\n",
            "marketplace/__init__.py": "",
            "marketplace/weblinks.py": "import requests\nfrom .connection import home\n",
            "commands/__init__.py": "",
            "commands/publish.py": "from ..files import regular\nimport publisher.sandbox\n",
            "state/__init__.py": "",
            "state/journal.py": journal,
            "report/__init__.py": "",
            "report/summary.py": "from publisher.outcome import Upload\n",
            "sandbox/__init__.py": "",
            "sandbox/server.py": "import publisher\nfrom . import state\n",
            "sandbox/state.py": "from publisher.sandbox.server import x\nimport requests\n",
        },
    )
    found = sorted(str(b).replace(str(tmp_path), "<tmp>") for b in breaches(root))
    assert found == [
        "<tmp>/publisher/files/regular.py:1: `from publisher.commands import publish` breaks "
        "the rule: files may import only files, vocabulary; publisher.commands.publish is in "
        "commands",
        "<tmp>/publisher/sandbox/server.py:1: `import publisher` breaks the rule: sandbox may "
        "import only sandbox; publisher is in vocabulary",
        "<tmp>/publisher/state/journal.py:3: `from ..report import summary` breaks the rule: "
        "state may import only files, state, vocabulary; publisher.report.summary is in report",
        "<tmp>/publisher/state/journal.py:5: `import requests.adapters` breaks the rule: "
        "only marketplace, sandbox may import requests; publisher.state.journal is in state",
    ]


def test_known_violations_are_tolerated_only_while_they_occur(tmp_path: Path) -> None:
    root = _package(
        tmp_path,
        {
            "__init__.py": "",
            "files/__init__.py": "",
            "files/regular.py": "import publisher.commands.publish\n",
            "files/images.py": "import requests\n",
            "commands/__init__.py": "",
            "commands/publish.py": "",
        },
    )
    known = frozenset(
        {
            ("publisher.files.regular", "publisher.commands.publish"),
            ("publisher.files.artifact", "publisher.config.model"),
        }
    )
    new, gone = against_known(breaches(root), known)
    assert [(b.found.pair, b.found.line) for b in new] == [
        (("publisher.files.images", "requests"), 1)
    ]
    assert gone == [("publisher.files.artifact", "publisher.config.model")]
