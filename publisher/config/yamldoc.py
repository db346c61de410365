"""Safe YAML loading that remembers where every key and value stands in the file.

PyYAML's safe loader builds plain data but forgets positions, silently keeps the last of duplicate
keys and expands aliases without limit. So we compose the node tree with the safe loader and build
the data ourselves: positions recorded per path, duplicates reported, expansion bounded.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from publisher.diagnostics import Diagnostic, Location, error

Path = tuple[str | int, ...]

MAX_NODES = 50_000  # a release.yml has a few hundred; aliases that expand past this are a bomb
MAX_DEPTH = 64

_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_MERGE = "tag:yaml.org,2002:merge"
_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}


@dataclass(frozen=True)
class Span:
    """Where a value stands, and where its key stands when it is a mapping entry (1-based)."""

    line: int
    column: int
    key_line: int | None = None
    key_column: int | None = None
    raw: str | None = None  # the scalar's source text, for hints ("1.10" read as 1.1)
    plain: bool = False  # an unquoted scalar, typed by YAML's implicit rules


@dataclass
class YamlDocument:
    data: Any
    file: str
    spans: dict[Path, Span] = field(default_factory=dict)
    duplicates: list[Diagnostic] = field(default_factory=list)  # reported, not fatal
    source: str = ""  # the file's text, to point inside a multi-line scalar

    def locate(self, path: Path, *, at_key: bool = False) -> Location:
        """The position of `path`, or of its nearest ancestor that exists in the file."""
        probe = tuple(path)
        while probe and probe not in self.spans:
            probe = probe[:-1]
        span = self.spans.get(probe)
        if span is None:
            return Location(self.file, 1, 1)
        collection = span.raw is None  # a block list/mapping starts at its first item: show its key
        if (at_key or collection or probe != tuple(path)) and span.key_line is not None:
            return Location(self.file, span.key_line, span.key_column or 1)
        return Location(self.file, span.line, span.column)

    def span(self, path: Path) -> Span | None:
        return self.spans.get(tuple(path))


class YamlError(Exception):
    """The text is not a usable YAML document; diagnostics say where and why."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("; ".join(d.message for d in diagnostics))
        self.diagnostics = diagnostics


def format_path(path: Path) -> str:
    """("listing", "highlights", 1, "title") -> "listing.highlights[1].title"."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def load_yaml(text: str, file: str) -> YamlDocument:
    """Parse one YAML document; raise YamlError with located diagnostics on anything unusable."""
    try:
        loader = yaml.SafeLoader(text)
    except yaml.reader.ReaderError as exc:  # the reader checks the first characters at once
        raise YamlError([_unreadable(exc, text, file)]) from None
    try:
        root = loader.get_single_node()
        if root is None:
            raise YamlError(
                [error("the file is empty: expected a mapping of release keys", _at(file))]
            )
        builder = _Builder(loader, file)
        data = builder.build(root, ())
    except yaml.MarkedYAMLError as exc:
        raise YamlError([_marked(exc, file, text)]) from None
    except yaml.reader.ReaderError as exc:
        raise YamlError([_unreadable(exc, text, file)]) from None
    except yaml.YAMLError as exc:
        raise YamlError([error(f"not valid YAML: {exc}", _at(file))]) from None
    except RecursionError:
        raise YamlError(
            [error("the YAML is nested too deeply to be a release file", _at(file))]
        ) from None
    finally:
        loader.dispose()
    if builder.problems:
        raise YamlError(builder.problems)
    return YamlDocument(data, file, builder.spans, builder.duplicates, text)


def _at(file: str, line: int = 1, column: int = 1) -> Location:
    return Location(file, line, column)


def _unreadable(exc: yaml.reader.ReaderError, text: str, file: str) -> Diagnostic:
    before = text[: exc.position]
    line = before.count("\n") + 1
    column = exc.position - (before.rfind("\n") + 1) + 1
    code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "?")
    return error(
        f"the file contains the control character U+{code:04X}, which YAML does not allow "
        "(remove it, or write it as an escape inside a double-quoted string)",
        _at(file, line, column),
    )


def _marked(exc: yaml.MarkedYAMLError, file: str, text: str = "") -> Diagnostic:
    unclosed = _unclosed(exc, file) or _quote_left_open(exc, file, text)
    if unclosed is not None:
        return unclosed
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or exc.context or "invalid YAML"
    context = f" ({exc.context})" if exc.context and exc.problem else ""
    hint = "; YAML cannot be indented with tabs, use spaces" if "'\\t'" in problem else ""
    loc = _at(file, mark.line + 1, mark.column + 1) if mark else _at(file)
    prefix = "" if isinstance(exc, _Refused) else "not valid YAML: "
    return error(f"{prefix}{problem}{context}{hint}", loc)


def _unclosed(exc: yaml.MarkedYAMLError, file: str) -> Diagnostic | None:
    """An unclosed quote or bracket, located where it opens (PyYAML points at where it gave up)."""
    start, end = exc.context_mark, exc.problem_mark
    context = exc.context or ""
    if start is None or end is None:
        return None
    at = _at(file, start.line + 1, start.column + 1)
    if context == "while scanning a quoted scalar":
        return error(
            "this quoted string is never closed (YAML reached "
            f"{'the end of the file' if 'end of stream' in str(exc.problem) else exc.problem}); "
            "add the closing quote",
            at,
        )
    if context.startswith("while parsing a flow") and end.line != start.line:
        bracket = "[" if "sequence" in context else "{"
        return error(
            f"this '{bracket}' is not closed on its line (at line {end.line + 1}: {exc.problem})",
            at,
        )
    return None


_OPENS_QUOTE = r"""^\s*(?:-\s+)?[\w.-]+:\s+(["'])"""  # compiled on first use: errors only


def _quote_left_open(exc: yaml.MarkedYAMLError, file: str, text: str) -> Diagnostic | None:
    """A quote closed only by the next line's quote makes YAML fail lines later: point at it."""
    mark = exc.problem_mark
    lines = text.splitlines()
    if mark is None or isinstance(exc, _Refused) or mark.line >= len(lines):
        return None
    failed = lines[mark.line]  # where YAML gave up: the stray closing quote is on this line
    for number, line in reversed(list(enumerate(lines[: mark.line], 1))):
        opens = re.match(_OPENS_QUOTE, line)
        quote = opens.group(1) if opens else ""
        if opens and quote in failed and _unbalanced(line[opens.end() :], quote):
            return error(
                f"this quoted string is not closed on its line (YAML then failed at line "
                f"{mark.line + 1}: {exc.problem}); add the closing quote",
                _at(file, number, opens.end()),
            )
    return None


def _unbalanced(rest: str, quote: str) -> bool:
    """True when `rest` (after an opening quote) holds no closing quote."""
    if quote == "'":
        return "'" not in rest.replace("''", "")
    return re.search(r'(?<!\\)"', rest.replace("\\\\", "")) is None


class _Refused(yaml.MarkedYAMLError):
    """Valid YAML that a release file may not contain (tags, bombs, recursion)."""


class _Builder:
    """Turns composed nodes into data, recording spans, duplicates and expansion size."""

    def __init__(self, loader: yaml.SafeLoader, file: str) -> None:
        self.loader = loader
        self.file = file
        self.spans: dict[Path, Span] = {}
        self.problems: list[Diagnostic] = []
        self.duplicates: list[Diagnostic] = []
        self.count = 0
        self.active: set[int] = set()

    def build(self, node: Node, path: Path, key_node: Node | None = None) -> Any:
        self._record(node, path, key_node)
        self.count += 1
        if self.count > MAX_NODES:
            raise _Refused(
                problem=f"the document expands to more than {MAX_NODES} values (aliases?); "
                "a release file this large is refused",
                problem_mark=node.start_mark,
            )
        if len(path) > MAX_DEPTH:
            raise _Refused(
                problem=f"nested more than {MAX_DEPTH} levels deep", problem_mark=node.start_mark
            )
        if id(node) in self.active:
            raise _Refused(
                problem="an alias refers to a node that contains it (a recursive structure)",
                problem_mark=node.start_mark,
            )
        if isinstance(node, ScalarNode):
            return self._scalar(node)
        self.active.add(id(node))
        try:
            if isinstance(node, MappingNode):
                return self._mapping(node, path)
            if isinstance(node, SequenceNode):
                self._check_tag(node, _SEQ)
                return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        finally:
            self.active.discard(id(node))
        raise _Refused(problem="unsupported YAML node", problem_mark=node.start_mark)

    def _record(self, node: Node, path: Path, key_node: Node | None) -> None:
        raw = node.value if isinstance(node, ScalarNode) else None
        plain = isinstance(node, ScalarNode) and node.style is None
        key_line = key_node.start_mark.line + 1 if key_node is not None else None
        key_col = key_node.start_mark.column + 1 if key_node is not None else None
        self.spans[path] = Span(
            node.start_mark.line + 1, node.start_mark.column + 1, key_line, key_col, raw, plain
        )

    def _scalar(self, node: ScalarNode) -> Any:
        if node.tag not in _PLAIN_TAGS:
            raise _Refused(
                problem=f"the tag {node.tag!r} is not allowed in a release file",
                problem_mark=node.start_mark,
            )
        try:
            return self.loader.construct_object(node, deep=True)
        except (
            ValueError,
            OverflowError,
        ) as exc:  # 5000 digits, 2026-13-45: YAML typed, unbuildable
            raise _Refused(problem=_unbuildable(node, exc), problem_mark=node.start_mark) from None

    def _check_tag(self, node: Node, expected: str) -> None:
        if node.tag != expected:
            raise _Refused(
                problem=f"the tag {node.tag!r} is not allowed in a release file",
                problem_mark=node.start_mark,
            )

    def _mapping(self, node: MappingNode, path: Path) -> dict[str, Any]:
        self._check_tag(node, _MAP)
        result: dict[str, Any] = {}
        first_seen: dict[str, int] = {}
        merged: set[str] = set()
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                self._merge(result, merged, value_node, path)
                continue
            key = self._key(key_node)
            if key in first_seen:
                self.duplicates.append(
                    error(
                        f"duplicate key '{key}' (first at line {first_seen[key]}); YAML would "
                        "silently keep only the last one",
                        _at(
                            self.file, key_node.start_mark.line + 1, key_node.start_mark.column + 1
                        ),
                        format_path((*path, key)),
                    )
                )
            first_seen.setdefault(key, key_node.start_mark.line + 1)
            merged.discard(key)
            result[key] = self.build(value_node, (*path, key), key_node)
        return result

    def _merge(self, result: dict[str, Any], merged: set[str], value: Node, path: Path) -> None:
        sources = value.value if isinstance(value, SequenceNode) else [value]
        for source in sources:
            if not isinstance(source, MappingNode):
                raise _Refused(
                    problem="a merge key '<<' needs a mapping or a list of mappings",
                    problem_mark=source.start_mark,
                )
            for key, item in self._mapping(source, path).items():
                if key not in result or key in merged:
                    result[key] = item
                    merged.add(key)

    def _key(self, node: Node) -> str:
        if not isinstance(node, ScalarNode):
            raise _Refused(
                problem="a key must be a plain name, not a list or mapping",
                problem_mark=node.start_mark,
            )
        return str(node.value)


def _unbuildable(node: ScalarNode, exc: Exception) -> str:
    if node.tag.endswith(":int"):
        return (
            f"a number of {len(node.value)} digits is too large to read; a release file needs "
            "no number this big"
        )
    shown = node.value if len(node.value) <= 40 else node.value[:37] + "..."
    kind = node.tag.rsplit(":", 1)[-1]
    return f"YAML reads {shown} as a {kind} but it is not a valid one ({exc}); quote it for text"


def walk(data: Any, path: Path = ()) -> Iterator[tuple[Path, Any]]:
    """Every (path, value) pair in a loaded document, parents before children."""
    yield path, data
    if isinstance(data, dict):
        for key, value in data.items():
            yield from walk(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from walk(value, (*path, index))
