"""The release.yml JSON Schema: loading it, and turning its errors into located, readable advice."""

from __future__ import annotations

import datetime
import json
import pkgutil
import re
from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING, Any

from publisher.config.conformance import conforms
from publisher.config.interpolate import MAX_DIGITS
from publisher.config.yamldoc import Path, YamlDocument, format_path
from publisher.diagnostics import Diagnostic, error

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError

_TYPE_NAMES = {
    "string": "a string",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping of keys",
    "null": "nothing",
}


@cache
def schema_text() -> str:
    # pkgutil, not importlib.resources: the same package data for ~8 ms less start-up (issue #24)
    data = pkgutil.get_data("publisher.config", "schema.json")
    if data is None:  # a loader that cannot read package data
        raise FileNotFoundError("publisher/config/schema.json")
    return data.decode("utf-8")


@cache
def release_schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(schema_text())
    return loaded


def validate(data: Any, doc: YamlDocument) -> list[Diagnostic]:
    """Every schema problem in `data`, each located in `doc`, in file order."""
    if conforms(data, release_schema()):
        return []
    from jsonschema import Draft202012Validator  # only a file with a problem pays for jsonschema

    validator = Draft202012Validator(release_schema())
    found: list[Diagnostic] = []
    for err in validator.iter_errors(data):
        found.extend(_explain(err, doc))
    return _dedupe(found)


def _explain(err: ValidationError, doc: YamlDocument) -> Iterator[Diagnostic]:
    path: Path = tuple(err.absolute_path)
    key = format_path(path) or "(top level)"
    if err.validator in ("anyOf", "oneOf") and err.context:
        chosen = _closest_branch(err)
        if chosen:
            for sub in chosen:
                yield from _explain(sub, doc)
            return
        named = _named_choice(err)
        if named:
            yield error(f"{key}: {named}", doc.locate(path), format_path(path))
            return
    if err.validator == "required":
        where = f" in '{key}'" if path else ""
        for missing in _missing_keys(err):  # jsonschema's errors per key all read alike: dedupe
            yield error(
                f"missing required key '{missing}'{where}",
                doc.locate(path, at_key=True),
                format_path((*path, missing)),
            )
    elif err.validator == "additionalProperties":
        for extra in _extra_keys(err):
            allowed = list(_schema(err).get("properties", {}))
            guess = _suggest(extra, _schema(err))
            listed = f"; expected one of: {', '.join(allowed)}"
            hint = f"; did you mean '{guess}'?" if guess else listed
            yield error(
                f"unknown key '{extra}'{hint}",
                doc.locate((*path, extra), at_key=True),
                format_path((*path, extra)),
            )
    else:
        yield error(f"{key}: {_message(err, doc, path)}", doc.locate(path), format_path(path))


def _message(err: ValidationError, doc: YamlDocument, path: Path) -> str:
    hint = _schema(err).get("x-hint")
    value: Any = err.instance
    rule: Any = err.validator_value
    if err.validator == "type":
        return _type_message(err, doc, path)
    if err.validator == "enum":
        options = [str(o) for o in rule]
        guess = _closest_option(str(value), options)
        suffix = f"; did you mean '{guess}'?" if guess else ""
        return f"{_show(value)} is not one of: {', '.join(options)}{suffix}"
    if err.validator == "pattern":
        return f"{_show(value)} is not {hint}" if hint else f"{_show(value)} has the wrong form"
    if err.validator in ("minItems", "maxItems"):
        if hint:
            return f"expected {hint}, found {len(value)}"
        limit = rule
        side = "at least" if err.validator == "minItems" else "at most"
        return f"expected {side} {limit} item{'s' if limit != 1 else ''}, found {len(value)}"
    if err.validator == "minLength":
        return "must not be empty"
    if err.validator == "maxLength":
        return f"is {len(value)} characters long; at most {rule} are allowed"
    if err.validator == "uniqueItems":
        return "lists the same value twice"
    if err.validator in ("minimum", "maximum"):
        side = "at least" if err.validator == "minimum" else "at most"
        return f"{_show(value)} must be {side} {rule}"
    if err.validator == "not" and hint:
        return str(hint)
    if hint:
        return f"{_show(value)} is not {hint}"
    return str(err.message)


def _named_choice(err: ValidationError) -> str | None:
    """For "a name from this list, or an id": the message about the names, with a suggestion."""
    named = [e for e in err.context or [] if e.validator == "enum" and not e.relative_path]
    if not named or not isinstance(err.instance, str):
        return None
    rule: Any = named[0].validator_value
    options = [str(o) for o in rule]
    hint = _schema(err).get("x-hint")
    aliases: dict[str, str] = _schema(err).get("x-aliases", {})
    folded = re.sub(r"[\s_]+", "-", err.instance.strip().lower())
    guess = aliases.get(folded) or _closest_option(err.instance, options)
    return (
        f"{_show(err.instance)} is not one of: {', '.join(options)}"
        + (f", {hint}" if hint else "")
        + (f"; did you mean '{guess}'?" if guess else "")
    )


def _closest_option(value: str, options: list[str]) -> str | None:
    """'Jira Service Management' -> jira-service-management, 'Confluence Data Center' ->
    confluence: the same words, then the longest option it starts with, then a near spelling."""
    folded = re.sub(r"[\s_]+", "-", value.strip().lower())
    if folded in options and folded != value:
        return folded
    prefixes = [o for o in options if folded.startswith(o + "-")]
    if prefixes:
        return max(prefixes, key=len)
    import difflib  # only for a message, like the other suggestions here

    close = difflib.get_close_matches(folded, options, n=1)
    return close[0] if close else None


def _type_message(err: ValidationError, doc: YamlDocument, path: Path) -> str:
    expected = (
        err.validator_value if isinstance(err.validator_value, list) else [err.validator_value]
    )
    wanted = " or ".join(_TYPE_NAMES.get(str(t), str(t)) for t in expected)
    value = err.instance
    span = doc.span(path)
    got = _describe(value)
    yaml_typed = span is not None and span.plain and span.raw is not None
    if "string" in expected and span and yaml_typed and value is not None:
        return f'expected {wanted}, but YAML reads {span.raw} as {got}; quote it: "{span.raw}"'
    if value is None:
        return f"expected {wanted}, but the value is empty"
    if isinstance(value, str) and len(value) > MAX_DIGITS and value.strip().isdigit():
        return f"expected {wanted}, got a number of {len(value.strip())} digits: far too large"
    return f"expected {wanted}, got {got}"


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, (datetime.date, datetime.datetime)):
        return f"the date {value.isoformat()}"
    if isinstance(value, str):
        return f"the string {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "nothing" if value is None else type(value).__name__


def _show(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= 80 else text[:77] + "..."


def _closest_branch(err: ValidationError) -> list[ValidationError] | None:
    """For anyOf/oneOf, the errors of the branch whose type fits the value, if exactly one does."""
    branches: dict[int, list[ValidationError]] = {}
    for sub in err.context or []:
        branches.setdefault(int(sub.relative_schema_path[0]), []).append(sub)
    fitting = [
        errs
        for errs in branches.values()
        if not any(e.validator == "type" and not e.relative_path for e in errs)
    ]
    return fitting[0] if len(fitting) == 1 else None


def _schema(err: ValidationError) -> dict[str, Any]:
    return err.schema if isinstance(err.schema, dict) else {}


def _missing_keys(err: ValidationError) -> list[str]:
    required: Any = err.validator_value
    instance = err.instance if isinstance(err.instance, dict) else {}
    return [name for name in required if name not in instance]


def _suggest(extra: str, level: dict[str, Any]) -> str | None:
    """The allowed key meant by an unknown one: a near spelling, else the key of the same kind
    (`image:` in a highlight is its `screenshot:`), else one that contains it."""
    properties: dict[str, Any] = level.get("properties", {})
    import difflib

    close = difflib.get_close_matches(extra, list(properties), n=1)
    if close:
        return close[0]
    kinds = _kinds_by_name().get(extra, set())
    same = [name for name, node in properties.items() if node.get("$ref") in kinds]
    required = [name for name in same if name in level.get("required", [])]
    if required or same:
        return (required or same)[0]
    inside = [name for name in properties if extra.lower() in name or name in extra.lower()]
    return inside[0] if len(inside) == 1 else None


@cache
def _kinds_by_name() -> dict[str, set[str]]:
    """Every property name in the schema -> the $refs it is declared with (its kind of value)."""
    found: dict[str, set[str]] = {}

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            for name, child in (node.get("properties") or {}).items():
                if isinstance(child, dict) and isinstance(child.get("$ref"), str):
                    found.setdefault(name, set()).add(child["$ref"])
            for child in node.values():
                visit(child)
        elif isinstance(node, list):
            for child in node:
                visit(child)

    visit(release_schema())
    return found


def _extra_keys(err: ValidationError) -> list[str]:
    known = set(_schema(err).get("properties", {}))
    patterns = _schema(err).get("patternProperties", {})
    instance = err.instance if isinstance(err.instance, dict) else {}
    return [k for k in instance if k not in known and not any(re.search(p, k) for p in patterns)]


def _dedupe(found: list[Diagnostic]) -> list[Diagnostic]:
    seen: set[tuple[str, str]] = set()
    unique = []
    for d in found:
        mark = (d.message, str(d.location))
        if mark not in seen:
            seen.add(mark)
            unique.append(d)
    return sorted(
        unique, key=lambda d: (d.location.line, d.location.column) if d.location else (0, 0)
    )
