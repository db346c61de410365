"""`${NAME}` and `${NAME:-default}` in release.yml strings, read from the environment.

A value that came from the environment is then typed by the schema: `build: ${BUILD_NUMBER}`
becomes an integer, because the schema says `build` is one. `$${NAME}` writes a literal `${NAME}`.

Credential variables are refused (release.yml text is published): MPAC_USER, MPAC_TOKEN, and any
name with a word TOKEN, PASSWORD, PASSWD, PASSPHRASE, SECRET, CREDENTIAL(S) or APIKEY in it, or
ending in API_KEY, PRIVATE_KEY or ACCESS_KEY (GITHUB_TOKEN, NPM_PASSWORD, AWS_SECRET_ACCESS_KEY).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from publisher.config.yamldoc import Path, YamlDocument, format_path, walk
from publisher.diagnostics import Diagnostic, Location, error

MAX_DIGITS = 4000  # under Python's 4300-digit limit on int("...")
_REFERENCE = re.compile(r"\$(\$?)\{([^}]*)\}?")
_NAME = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$", re.DOTALL)
CREDENTIAL_NAMES = frozenset({"MPAC_USER", "MPAC_TOKEN"})
CREDENTIAL_WORDS = frozenset(
    {"TOKEN", "PASSWORD", "PASSWD", "PASSPHRASE", "SECRET", "CREDENTIAL", "CREDENTIALS", "APIKEY"}
)
CREDENTIAL_ENDINGS = ("API_KEY", "PRIVATE_KEY", "ACCESS_KEY")


def is_credential_variable(name: str) -> bool:
    upper = name.upper()
    words = set(upper.split("_"))
    return (
        upper in CREDENTIAL_NAMES
        or bool(words & CREDENTIAL_WORDS)
        or upper.endswith(CREDENTIAL_ENDINGS)
    )


def interpolate(
    doc: YamlDocument, env: Mapping[str, str]
) -> tuple[Any, set[Path], list[Diagnostic]]:
    """Return the data with references replaced, the paths that changed, and located problems."""
    problems: list[Diagnostic] = []
    changed: set[Path] = set()

    def replace(value: str, path: Path) -> str:
        out: list[str] = []
        last = 0
        for match in _REFERENCE.finditer(value):
            out.append(value[last : match.start()])
            last = match.end()
            escaped, body = match.group(1), match.group(2)
            if not match.group(0).endswith("}"):
                problems.append(_problem(doc, path, f"unterminated '${{' in {value!r}"))
                out.append(match.group(0))
            elif escaped:
                out.append("${" + body + "}")
            elif _refused(body, match.group(0), value[: match.start()], doc, path, problems):
                out.append("")
            else:
                out.append(_resolve(body, env, doc, path, problems))
        out.append(value[last:])
        return "".join(out)

    def rebuild(data: Any, path: Path) -> Any:
        if isinstance(data, dict):
            return {key: rebuild(item, (*path, key)) for key, item in data.items()}
        if isinstance(data, list):
            return [rebuild(item, (*path, index)) for index, item in enumerate(data)]
        if isinstance(data, str) and "${" in data:
            changed.add(path)
            before = len(problems)
            text = replace(data, path)
            # Unknown, not "": no knock-on errors ("no such file: app-.jar") for a reported value.
            return None if len(problems) > before else text
        return data

    return rebuild(doc.data, ()), changed, problems


def _resolve(
    body: str, env: Mapping[str, str], doc: YamlDocument, path: Path, problems: list[Diagnostic]
) -> str:
    match = _NAME.match(body)
    if match is None:
        problems.append(
            _problem(
                doc,
                path,
                f"'${{{body}}}' is not a variable reference: use ${{NAME}} or ${{NAME:-default}}",
            )
        )
        return ""
    name, default = match.group(1), match.group(2)
    value = env.get(name)
    if value:
        return value
    if default is not None:
        return default
    if value == "":
        problems.append(_problem(doc, path, f"environment variable {name} is empty", name))
    else:
        problems.append(_problem(doc, path, f"environment variable {name} is not set", name))
    return ""


def published_credentials(data: Any, doc: YamlDocument, env: Mapping[str, str]) -> list[Diagnostic]:
    """A credential's value written into release.yml by hand (or by a template): it would be
    published. MPAC_USER is left out (an email address may well appear in release notes)."""
    values = {
        name: value.strip()
        for name, value in env.items()
        if name != "MPAC_USER" and is_credential_variable(name) and len(value.strip()) >= 8
    }
    found = []
    for path, value in walk(data):
        names = sorted(n for n, v in values.items() if isinstance(value, str) and v in value)
        if names:
            message = (
                f"this text holds the value of {names[0]}, a credential: release.yml text is "
                "published on the Marketplace; remove it (and revoke the credential)"
            )
            found.append(error(message, doc.locate(path), format_path(path)))
    return found


def _refused(
    body: str, text: str, before: str, doc: YamlDocument, path: Path, problems: list[Diagnostic]
) -> bool:
    """A reference to a credential variable: an error at the `${` itself; its value is not read."""
    match = _NAME.match(body)
    if match is None or not is_credential_variable(match.group(1)):
        return False
    name = match.group(1)
    message = (
        f"${{{name}}} reads a credential: release.yml text is published on the Marketplace, so "
        "credential variables (MPAC_USER, MPAC_TOKEN, *_TOKEN, *_PASSWORD, *_SECRET...) cannot "
        "be used in it"
    )
    where = _reference_location(doc, path, text, before.count(text))
    problems.append(error(message, where, format_path(path)))
    return True


def _reference_location(doc: YamlDocument, path: Path, text: str, earlier: int) -> Location:
    """The line and column of the `earlier`+1-th `text` in the scalar at `path` (its start if
    the source spells it differently, e.g. with escapes)."""
    start = doc.locate(path)
    lines = doc.source.splitlines()
    seen = 0
    for number in range(start.line, len(lines) + 1):
        line = lines[number - 1]
        column = line.find(text, start.column - 1 if number == start.line else 0)
        while column >= 0:
            if seen == earlier:
                return Location(start.file, number, column + 1)
            seen += 1
            column = line.find(text, column + 1)
    return start


def _problem(doc: YamlDocument, path: Path, message: str, name: str | None = None) -> Diagnostic:
    hint = f" (set it, or write ${{{name}:-default}})" if name else ""
    return error(message + hint, doc.locate(path), format_path(path))


def coerce(data: Any, changed: set[Path], schema: Mapping[str, Any]) -> Any:
    """Give interpolated strings the type the schema expects at their path."""
    result = data
    for path, value in list(walk(data)):
        if path not in changed or not isinstance(value, str):
            continue
        typed = _typed(value, _types_at(schema, path, schema))
        if typed is not value:
            result = _set(result, path, typed)
    return result


def _typed(value: str, types: set[str]) -> Any:
    text = value.strip()
    if "integer" in types and re.fullmatch(r"[+-]?[0-9]+", text):
        # Past Python's int-string limit it stays text, and the schema calls it too large.
        return int(text) if len(text) <= MAX_DIGITS else value
    if "number" in types and "string" not in types and re.fullmatch(r"[+-]?[0-9]*\.?[0-9]+", text):
        return float(text)
    if "boolean" in types and text.lower() in ("true", "false"):
        return text.lower() == "true"
    return value


def _types_at(node: Mapping[str, Any], path: Path, root: Mapping[str, Any]) -> set[str]:
    node = _deref(node, root)
    if not path:
        types: set[str] = set()
        declared = node.get("type")
        if isinstance(declared, str):
            types.add(declared)
        elif isinstance(declared, list):
            types.update(declared)
        for branch in node.get("anyOf", []) + node.get("oneOf", []):
            types |= _types_at(branch, (), root)
        return types
    head, rest = path[0], path[1:]
    found: set[str] = set()
    for branch in [node, *node.get("anyOf", []), *node.get("oneOf", [])]:
        branch = _deref(branch, root)
        if isinstance(head, int) and "items" in branch:
            found |= _types_at(branch["items"], rest, root)
        elif isinstance(head, str) and head in branch.get("properties", {}):
            found |= _types_at(branch["properties"][head], rest, root)
    return found


def _deref(node: Mapping[str, Any], root: Mapping[str, Any]) -> Mapping[str, Any]:
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        target: Mapping[str, Any] = root["$defs"][ref.removeprefix("#/$defs/")]
        return {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def _set(data: Any, path: Path, value: Any) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(data, dict):
        return {**data, head: _set(data[head], rest, value)}
    copy = list(data)
    assert isinstance(head, int)
    copy[head] = _set(copy[head], rest, value)
    return copy
