"""Rewrite imports and dotted references after modules or names move between modules.

    python scripts/relocate.py MAP.json [--git-mv]

MAP.json holds {"modules": {"old.dotted": "new.dotted"}, "names": {"old.module:Name":
"new.module"}}. With --git-mv, each module of "modules" is moved with `git mv` first, into packages
that must already exist (names move by hand). Every `from publisher.x import a, b` in publisher/,
tests/, benchmarks/ and scripts/ is then split by where each name now lives, `from publisher import
m` forms follow their module (keeping the local name with `as` when the module was renamed), and
dotted mentions in strings, docstrings and action.yml follow too. Run `ruff check --fix` and `ruff
format` afterwards for the import order.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TREES = ("publisher", "tests", "benchmarks", "scripts")
IMPORT = re.compile(
    r"^(?P<indent>[ \t]*)from (?P<module>publisher[\w.]*) import (?P<names>\([^)]*\)|[^\n]*)$", re.M
)


def _path(module: str) -> Path:
    return ROOT.joinpath(*module.split(".")).with_suffix(".py")


def _git_mv(modules: dict[str, str]) -> None:
    for old, new in modules.items():
        target = _path(new)
        package = target.parent / "__init__.py"
        if not package.exists():  # a room is named and described by a person, not by this script
            raise SystemExit(f"create {package.relative_to(ROOT)} with the room's docstring first")
        subprocess.run(["git", "mv", str(_path(old)), str(target)], cwd=ROOT, check=True)


def _split(names: str) -> list[tuple[str, str | None]]:
    out = []
    for part in names.strip().strip("()").replace("\n", " ").split(","):
        part = part.split("#")[0].strip()
        if not part:
            continue
        name, _, alias = part.partition(" as ")
        out.append((name.strip(), alias.strip() or None))
    return out


def _rewrite_imports(text: str, modules: dict[str, str], names: dict[str, str]) -> str:
    def one(match: re.Match[str]) -> str:
        module, indent = match["module"], match["indent"]
        groups: dict[str, list[str]] = {}
        for name, alias in _split(match["names"]):
            child = f"{module}.{name}"
            if child in modules:  # `from publisher import m` of a module that moved
                new_parent, _, new_name = modules[child].rpartition(".")
                local = alias or name
                spelled = new_name if new_name == local else f"{new_name} as {local}"
                groups.setdefault(new_parent, []).append(spelled)
                continue
            target = names.get(f"{module}:{name}", modules.get(module, module))
            groups.setdefault(target, []).append(name if alias is None else f"{name} as {alias}")
        if all(target == module for target in groups) and len(groups) == 1:
            return match.group(0)
        return "\n".join(
            f"{indent}from {target} import {', '.join(spelled)}"
            for target, spelled in groups.items()
        )

    return IMPORT.sub(one, text)


def _rewrite_dotted(text: str, modules: dict[str, str]) -> str:
    """One pass, longest name first, so a replacement is never replaced again."""
    if not modules:
        return text
    spellings = {old: new for old, new in modules.items()}
    spellings |= {
        f"{old.replace('.', '/')}.py": f"{new.replace('.', '/')}.py" for old, new in modules.items()
    }
    pattern = "|".join(re.escape(old) for old in sorted(spellings, key=len, reverse=True))
    return re.sub(rf"(?<![\w./])({pattern})(?![\w])", lambda m: spellings[m[1]], text)


def _rewrite(text: str, modules: dict[str, str], names: dict[str, str], python: bool) -> str:
    if not python:
        return _rewrite_dotted(text, modules)
    out, last = [], 0
    for match in IMPORT.finditer(text):
        out.append(_rewrite_dotted(text[last : match.start()], modules))
        out.append(_rewrite_imports(match.group(0), modules, names))
        last = match.end()
    out.append(_rewrite_dotted(text[last:], modules))
    return "".join(out)


def main(argv: list[str]) -> int:
    moves = json.loads(Path(argv[0]).read_text())
    modules: dict[str, str] = moves.get("modules", {})
    names: dict[str, str] = moves.get("names", {})
    if "--git-mv" in argv:
        _git_mv(modules)
    files = [p for tree in TREES for p in (ROOT / tree).rglob("*.py")]
    files += [ROOT / "action.yml", ROOT / "README.md", ROOT / "Dockerfile"]
    files += list((ROOT / "docs").rglob("*.md"))
    for path in files:
        if not path.is_file() or path.name == "relocate.py":
            continue
        text = path.read_text()
        new = _rewrite(text, modules, names, path.suffix == ".py")
        if new != text:
            path.write_text(new)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
