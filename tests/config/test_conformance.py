"""The quick schema check (config/conformance.py) says "valid" exactly when jsonschema does.

`validate` trusts a "valid" from it without asking jsonschema, so a wrong "valid" would let a bad
release.yml through. Compared here: every release file in examples/ and tests/, thousands of
mutations of the example (keys deleted, unknown and known keys added, values replaced by every JSON
type and by edge values, patterns broken), and each keyword alone against tricky values. And every
keyword schema.json uses is one the quick check interprets.
"""

from __future__ import annotations

import copy
import datetime
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from publisher.config.conformance import ANNOTATIONS, KEYWORDS, conforms
from publisher.config.interpolate import coerce, interpolate
from publisher.config.schema import release_schema
from publisher.config.yamldoc import YamlError, load_yaml, walk

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = release_schema()
JSONSCHEMA = Draft202012Validator(SCHEMA)
EXAMPLES = int(os.environ.get("MPAC_CONFORMANCE_EXAMPLES", "2000"))
RUN = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def agree(instance: Any, schema: Any = SCHEMA) -> bool:
    """Assert both verdicts are the same; return it."""
    validator = JSONSCHEMA if schema is SCHEMA else Draft202012Validator(schema)
    expected = bool(validator.is_valid(instance))
    assert conforms(instance, schema) is expected, (instance, schema)
    return expected


# -- the release files in the repository ---------------------------------------------------------


def _yaml_documents(paths: list[Path]) -> list[tuple[Path, Any]]:
    """Each release file that is a YAML document, loaded (validate stops at the others before
    the schema, so they have no verdict to compare)."""
    loaded = []
    for path in paths:
        try:
            loaded.append((path, load_yaml(path.read_text("utf-8"), path.name)))
        except (YamlError, UnicodeDecodeError):
            continue
    return loaded


RELEASE_FILES = _yaml_documents(
    sorted(
        [
            *ROOT.glob("examples/**/release*.yml"),
            *ROOT.glob("tests/**/release*.yml"),
            *ROOT.glob("tests/config/broken/*.yml"),
        ]
    )
)


@pytest.mark.parametrize(
    ("path", "doc"), RELEASE_FILES, ids=[str(p.relative_to(ROOT)) for p, _ in RELEASE_FILES]
)
def test_every_release_file_in_the_repository(path: Path, doc: Any) -> None:
    agree(doc.data)
    data, changed, _ = interpolate(doc, {"VERSION": "2.4.1", "BUILD": "2004001"})
    agree(coerce(data, changed, SCHEMA))


def test_the_release_files_include_the_example_and_broken_ones() -> None:
    names = {p.name for p, _ in RELEASE_FILES}
    assert "release.yml" in names and len(names) > 30


def test_the_schema_own_examples() -> None:
    assert all(agree(example) for example in SCHEMA["examples"])


# -- mutations of the example --------------------------------------------------------------------


def _schema_values(node: Any) -> list[Any]:
    """Every enum option and example in the schema, and what they hold: values of the right kind."""
    found: list[Any] = []
    if isinstance(node, dict):
        for key, child in node.items():
            if key in ("enum", "examples"):
                found.extend(v for each in child for _, v in walk(each))
            else:
                found.extend(_schema_values(child))
    elif isinstance(node, list):
        for child in node:
            found.extend(_schema_values(child))
    return found


def _property_names(node: Any) -> set[str]:
    names: set[str] = set()
    if isinstance(node, dict):
        names |= set(node.get("properties", {}))
        for key, child in node.items():
            if key not in ("enum", "examples"):
                names |= _property_names(child)
    elif isinstance(node, list):
        for child in node:
            names |= _property_names(child)
    return names


def _richest_example() -> dict[str, Any]:
    """The example release.yml plus, for every key it leaves out, the schema's own example."""
    text = (ROOT / "examples" / "release.yml").read_text("utf-8")
    data: dict[str, Any] = load_yaml(text, "release.yml").data
    rich = copy.deepcopy(data)
    for name, sub in SCHEMA["properties"].items():
        if name not in rich and sub.get("examples"):
            rich[name] = copy.deepcopy(sub["examples"][-1])
    for name, sub in SCHEMA["properties"]["listing"]["properties"].items():
        if name not in rich["listing"] and sub.get("examples"):
            rich["listing"][name] = copy.deepcopy(sub["examples"][-1])
    rich["compatibility"].append(
        {"product": "3b3f1f3c-8b53-4b8e-9a49-2f5e0c3a6b1d", "min": 912000, "max": "10.3.0"}
    )
    rich["release"].pop("notes", None)  # notes_file is there: both at once is a schema error
    rich["hosting"] = ["datacenter", "server"]
    return rich


EXAMPLE = load_yaml((ROOT / "examples" / "release.yml").read_text("utf-8"), "release.yml").data
RICH = _richest_example()
UUID = "3b3f1f3c-8b53-4b8e-9a49-2f5e0c3a6b1d"
EDGE = [
    *["", " ", "a", "x" * 100, "x" * 101, "x" * 255, "x" * 256, "x" * 5000, "\n", "a\n", "é"],
    *[0, -1, 1, 1.0, -0.0, 0.5, 2.0, True, False, None, 2**63 - 1, 2**63, -(2**63), 10**40],
    *[float("inf"), float("-inf"), float("nan"), 9.2e18],
    *[[], {}, [[]], [1, [2, [3]]], [True, 1], [1, 1.0], ["datacenter", "datacenter"]],
    *[["datacenter", "server"], [{"a": 1}, {"a": 1}], {"product": "jira"}],
    *[datetime.date(2026, 12, 3), datetime.datetime(2026, 12, 3, 13, 0)],
    *[UUID, UUID.upper(), UUID[:-1], UUID + "0", "9.12.0", "9.12.0-rc1", "9..12", "9.12.0 "],
    *["https://example.com", "http://x", "https://", "https://a b", "ftp://x", "dQw4w9WgXcQ"],
    *["https://youtu.be/dQw4w9WgXcQ", "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=1"],
]
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()
    | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=8,
)
# Copied when drawn: a later mutation must not change EDGE, the schema's examples or a value drawn
# twice (hypothesis replays a failing example and must see the same one).
values = st.one_of(
    st.sampled_from(EDGE), st.sampled_from(_schema_values(SCHEMA)), json_values, st.dates()
).map(copy.deepcopy)
keys = st.one_of(
    st.sampled_from(sorted(_property_names(SCHEMA))),
    st.sampled_from(["x-anchors", "x-", "X-no", "xy", "_x", ""]),
    st.text(max_size=10),
)
INSERTS = [" ", "\n", "\t", "/", "#", "$", ".", "-", "_", "é", "0", "A", "?", "&", "\x00"]


def _set(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    parent = doc
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = value
    return doc


def _get(doc: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        doc = doc[step]
    return doc


def _broken(text: str, data: st.DataObject) -> str:
    at = data.draw(st.integers(0, len(text)))
    how = data.draw(st.sampled_from(["insert", "drop", "cut", "repeat", "swapcase"]))
    if how == "insert":
        return text[:at] + data.draw(st.sampled_from(INSERTS)) + text[at:]
    if how == "drop":
        return text[:at] + text[at + 1 :]
    if how == "cut":
        return text[:at]
    if how == "repeat":
        return text * data.draw(st.integers(2, 60))
    return text.swapcase()


def _nudged(number: int | float, data: st.DataObject) -> Any:
    near = [number - 1, number + 1, -number, 0, 1, float(number), number + 0.5, True, False]
    return data.draw(st.sampled_from([*near, 2**63 - 1, 2**63, 10**40, str(number)]))


def mutated(doc: Any, data: st.DataObject) -> Any:
    """One change: delete a key or item, add a key, replace a value, break a string, nudge a
    number or repeat a list's item."""
    paths = [p for p, _ in walk(doc)]
    how = data.draw(st.sampled_from(["delete", "add", "replace", "break", "nudge", "repeat"]))
    if how == "nudge":
        numbers = [p for p, v in walk(doc) if type(v) in (int, float)]
        if numbers:
            path = data.draw(st.sampled_from(numbers))
            return _set(doc, path, _nudged(_get(doc, path), data))
        return doc
    if how == "repeat":
        lists = [p for p, v in walk(doc) if isinstance(v, list) and v]
        if lists:
            items = _get(doc, data.draw(st.sampled_from(lists)))
            items.append(copy.deepcopy(data.draw(st.sampled_from(items))))
        return doc
    if how == "delete":
        inner = [p for p in paths if p]
        if inner:
            path = data.draw(st.sampled_from(inner))
            del _get(doc, path[:-1])[path[-1]]
        return doc
    if how == "add":
        mappings = [p for p, v in walk(doc) if isinstance(v, dict)]
        if mappings:
            _get(doc, data.draw(st.sampled_from(mappings)))[data.draw(keys)] = data.draw(values)
        return doc
    if how == "break":
        texts = [p for p, v in walk(doc) if isinstance(v, str)]
        if texts:
            path = data.draw(st.sampled_from(texts))
            return _set(doc, path, _broken(_get(doc, path), data))
        return doc
    inner = [p for p in paths if p] or paths
    return _set(doc, data.draw(st.sampled_from(inner)), data.draw(values))


def test_mutations_of_the_example() -> None:
    assert JSONSCHEMA.is_valid(EXAMPLE) and JSONSCHEMA.is_valid(RICH)
    verdicts: list[bool] = []

    @RUN
    @given(st.data())
    def compare(data: st.DataObject) -> None:
        doc = copy.deepcopy(data.draw(st.sampled_from([EXAMPLE, RICH])))
        for _ in range(data.draw(st.integers(1, 3))):
            doc = mutated(doc, data)
        verdicts.append(agree(doc))

    compare()
    assert len(verdicts) >= EXAMPLES  # hypothesis ran them all
    assert 0.1 < sum(verdicts) / len(verdicts) < 0.9  # both verdicts well represented


# -- each keyword alone --------------------------------------------------------------------------

SMALL = [
    {"type": name} for name in ("string", "integer", "number", "boolean", "null", "array", "object")
] + [
    {"type": ["integer", "string"]},
    {"enum": [1, "1", None, [1], {"a": 1}]},
    {"enum": [True, 0.0, [True], {"a": False}]},
    {"uniqueItems": True},
    {"uniqueItems": False},
    {"minimum": 0},
    {"maximum": 1},
    {"minimum": 0, "maximum": 9223372036854775807},
    {"minLength": 1, "maxLength": 3},
    {"minItems": 1, "maxItems": 2},
    {"pattern": "^[a-z]+$"},
    {"pattern": "[0-9]"},
    {"required": ["a", "b"]},
    {"not": {"required": ["a", "b"]}},
    {"properties": {"a": {"type": "integer"}}, "additionalProperties": False},
    {"patternProperties": {"^x-": {"type": "string"}}, "additionalProperties": {"type": "null"}},
    {"items": {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "integer"}}]}},
    {"$ref": "#/$defs/small", "$defs": {"small": {"type": "integer", "maximum": 3}}},
    True,
    False,
]


TRICKY = [
    *EDGE,
    *[{"a": 1, "b": 2}, {"a": True}, {"x-a": "s", "z": None}, {"x-a": 1}, "a1", "A"],
    *[[1, True], [0, False], [[1], [True]], [{"a": 1}, {"a": True}], [1.0, 1], ["a", "b", "a"]],
]


@pytest.mark.parametrize("schema", SMALL, ids=str)
def test_each_keyword_alone(schema: Any) -> None:
    for instance in TRICKY:
        agree(instance, schema)


@settings(RUN, max_examples=max(1, EXAMPLES // 4))
@given(st.sampled_from(SMALL), json_values)
def test_each_keyword_alone_on_random_values(schema: Any, instance: Any) -> None:
    agree(instance, schema)


# -- what it knows --------------------------------------------------------------------------------

SUBSCHEMA = ("items", "not", "additionalProperties")
SUBSCHEMA_LISTS = ("anyOf",)
SUBSCHEMA_MAPS = ("properties", "patternProperties", "$defs")


def keywords_used(node: Any) -> set[str]:
    """Every keyword at a schema position of `node` (not inside enum, examples or defaults)."""
    if isinstance(node, bool):
        return set()
    used = set(node)
    for keyword, rule in node.items():
        if keyword in SUBSCHEMA:
            used |= keywords_used(rule)
        elif keyword in SUBSCHEMA_LISTS:
            used |= set().union(*(keywords_used(sub) for sub in rule))
        elif keyword in SUBSCHEMA_MAPS:
            used |= set().union(*(keywords_used(sub) for sub in rule.values()))
    return used


def test_every_keyword_in_the_schema_is_interpreted() -> None:
    used = keywords_used(SCHEMA)
    assert {"$ref", "anyOf", "not", "pattern", "maxLength", "uniqueItems"} <= used  # walked deep
    assert used - KEYWORDS - ANNOTATIONS == set()


@pytest.mark.parametrize(
    "schema",
    [
        {"const": 1},  # a keyword it does not know
        {"not": {"const": 2}},  # ... even where "invalid" would turn into "valid"
        {"anyOf": [{"type": "string"}, {"if": {"type": "integer"}}]},
        {"$ref": "#/definitions/x", "definitions": {"x": {}}},
        {"$ref": "https://example.com/schema.json"},
        {"type": "any"},
    ],
)
def test_an_unknown_keyword_fails_closed(schema: dict[str, Any]) -> None:
    assert conforms(1, schema) is False
