"""A quick yes or no: does a loaded release.yml satisfy config/schema.json?

`schema.validate` asks this first, so that a valid file never imports jsonschema (a third of
`validate`'s start-up, issue #24); only a "no" pays for jsonschema and its located errors. It
interprets exactly the keywords schema.json uses, with the meaning jsonschema's
Draft202012Validator gives them (tests/config/test_conformance.py compares the two verdicts), and it
answers "no" on meeting any keyword it does not know, so a schema change falls back to jsonschema
instead of going unchecked.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Mapping, Sequence
from numbers import Number
from typing import Any

# Keywords that only describe ($defs is reached through $ref): jsonschema checks nothing for them.
ANNOTATIONS = frozenset({"$schema", "$id", "$defs", "title", "description", "default", "examples"})
ANNOTATIONS |= {"x-hint", "x-aliases"}  # ours, for the messages
_DEFS = "#/$defs/"


class _Unknown(Exception):
    """The schema says something this module does not interpret: let jsonschema judge."""


def conforms(instance: Any, schema: Mapping[str, Any]) -> bool:
    """True only when jsonschema would find no error in `instance`; False when it would find one,
    or when the schema uses a keyword (or a `$ref`) this module does not know."""
    try:
        return _valid(instance, schema, schema)
    except (_Unknown, RecursionError):
        return False


def _valid(instance: Any, node: Any, root: Mapping[str, Any]) -> bool:
    if node is True or node is False:
        return node
    if not isinstance(node, dict):
        raise _Unknown(node)
    for keyword, rule in node.items():
        if keyword in ANNOTATIONS:
            continue
        check = _KEYWORDS.get(keyword)
        if check is None:
            raise _Unknown(keyword)
        if not check(rule, instance, node, root):
            return False
    return True


def _ref(rule: Any, instance: Any, node: Any, root: Mapping[str, Any]) -> bool:
    name = rule[len(_DEFS) :] if isinstance(rule, str) and rule.startswith(_DEFS) else ""
    defs = root.get("$defs", {})
    if not name or any(c in name for c in "/~%") or name not in defs:
        raise _Unknown(rule)  # only plain "#/$defs/<name>" pointers are interpreted
    return _valid(instance, defs[name], root)


def _type(rule: Any, instance: Any, node: Any, root: Mapping[str, Any]) -> bool:
    names = [rule] if isinstance(rule, str) else rule
    return any(_is_type(instance, name) for name in names)


def _is_type(instance: Any, name: str) -> bool:
    if name not in _TYPES:
        raise _Unknown(name)
    return _TYPES[name](instance)


def _is_integer(value: Any) -> bool:
    if isinstance(value, bool):  # a bool is an int in Python, never a number in JSON
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


_TYPES: dict[str, Callable[[Any], bool]] = {
    "string": lambda value: isinstance(value, str),
    "object": lambda value: isinstance(value, dict),
    "array": lambda value: isinstance(value, list),
    "boolean": lambda value: isinstance(value, bool),
    "null": lambda value: value is None,
    "integer": _is_integer,
    "number": lambda value: isinstance(value, Number) and not isinstance(value, bool),
}


def _enum(rule: Any, instance: Any, node: Any, root: Mapping[str, Any]) -> bool:
    return any(_equal(each, instance) for each in rule)


def _pattern(rule: Any, instance: Any, node: Any, root: Mapping[str, Any]) -> bool:
    return not isinstance(instance, str) or re.search(rule, instance) is not None


def _min_length(rule: Any, instance: Any, node: Any, root: Mapping[str, Any]) -> bool:
    return not isinstance(instance, str) or len(instance) >= rule


def _max_length(rule: Any, instance: Any, node: Any, root: Mapping[str, Any]) -> bool:
    return not isinstance(instance, str) or len(instance) <= rule


def _minimum(rule: Any, instance: Any, node: Any, root: Mapping[str, Any]) -> bool:
    return not _is_type(instance, "number") or not instance < rule  # as written: NaN passes


def _maximum(rule: Any, instance: Any, node: Any, root: Mapping[str, Any]) -> bool:
    return not _is_type(instance, "number") or not instance > rule


def _items(rule: Any, instance: Any, node: Any, root: Mapping[str, Any]) -> bool:
    return not isinstance(instance, list) or all(_valid(item, rule, root) for item in instance)


def _min_items(rule: Any, instance: Any, node: Any, root: Mapping[str, Any]) -> bool:
    return not isinstance(instance, list) or len(instance) >= rule


def _max_items(rule: Any, instance: Any, node: Any, root: Mapping[str, Any]) -> bool:
    return not isinstance(instance, list) or len(instance) <= rule


def _unique_items(rule: Any, instance: Any, node: Any, root: Mapping[str, Any]) -> bool:
    return not rule or not isinstance(instance, list) or _unique(instance)


def _required(rule: Any, instance: Any, node: Any, root: Mapping[str, Any]) -> bool:
    return not isinstance(instance, dict) or all(name in instance for name in rule)


def _properties(rule: Any, instance: Any, node: Any, root: Mapping[str, Any]) -> bool:
    if not isinstance(instance, dict):
        return True
    return all(_valid(instance[k], sub, root) for k, sub in rule.items() if k in instance)


def _pattern_properties(rule: Any, instance: Any, node: Any, root: Mapping[str, Any]) -> bool:
    if not isinstance(instance, dict):
        return True
    for pattern, sub in rule.items():
        for key, value in instance.items():
            if _search(pattern, key) and not _valid(value, sub, root):
                return False
    return True


def _additional_properties(rule: Any, instance: Any, node: Any, root: Mapping[str, Any]) -> bool:
    if not isinstance(instance, dict):
        return True
    known = node.get("properties", {})
    patterns = "|".join(node.get("patternProperties", {}))  # one alternation, as jsonschema has it
    extras = [k for k in instance if k not in known and not (patterns and _search(patterns, k))]
    return all(_valid(instance[k], rule, root) for k in extras)


def _not(rule: Any, instance: Any, node: Any, root: Mapping[str, Any]) -> bool:
    return not _valid(instance, rule, root)


def _any_of(rule: Any, instance: Any, node: Any, root: Mapping[str, Any]) -> bool:
    return any(_valid(instance, sub, root) for sub in rule)


def _search(pattern: str, key: Any) -> bool:
    if not isinstance(key, str):
        raise _Unknown(key)  # jsonschema raises on such a key; let it
    return re.search(pattern, key) is not None


_KEYWORDS: dict[str, Callable[[Any, Any, Any, Mapping[str, Any]], bool]] = {
    "$ref": _ref,
    "additionalProperties": _additional_properties,
    "anyOf": _any_of,
    "enum": _enum,
    "items": _items,
    "maxItems": _max_items,
    "maxLength": _max_length,
    "maximum": _maximum,
    "minItems": _min_items,
    "minLength": _min_length,
    "minimum": _minimum,
    "not": _not,
    "pattern": _pattern,
    "patternProperties": _pattern_properties,
    "properties": _properties,
    "required": _required,
    "type": _type,
    "uniqueItems": _unique_items,
}
KEYWORDS = frozenset(_KEYWORDS)


def _equal(one: Any, two: Any) -> bool:
    """JSON equality as jsonschema has it: True is not 1, and lists compare item by item."""
    if one is two:
        return True
    if isinstance(one, str) or isinstance(two, str):
        return bool(one == two)
    if isinstance(one, Sequence) and isinstance(two, Sequence):
        return len(one) == len(two) and all(_equal(i, j) for i, j in zip(one, two, strict=True))
    if isinstance(one, Mapping) and isinstance(two, Mapping):
        return len(one) == len(two) and all(k in two and _equal(v, two[k]) for k, v in one.items())
    return bool(_unbool(one) == _unbool(two))


_TRUE, _FALSE = object(), object()


def _unbool(value: Any) -> Any:
    return _TRUE if value is True else _FALSE if value is False else value


def _unique(items: list[Any]) -> bool:
    """jsonschema's uniqueness: neighbours after sorting, else every pair."""
    try:
        ordered = sorted(_unbool(i) for i in items)
        neighbours = zip(ordered, itertools.islice(ordered, 1, None), strict=False)
        return not any(_equal(i, j) for i, j in neighbours)
    except (NotImplementedError, TypeError):
        seen: list[Any] = []
        for item in map(_unbool, items):
            if any(_equal(i, item) for i in seen):
                return False
            seen.append(item)
        return True
