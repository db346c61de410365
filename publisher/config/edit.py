"""Changing one scalar of release.yml in place: the exact text span of the value (its YAML node's
start and end marks) is replaced, so comments, order, quoting and layout stay as they were."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from publisher.config.yamldoc import Path as KeyPath
from publisher.config.yamldoc import format_path
from publisher.errors import ConfigError


@dataclass(frozen=True)
class ScalarEdit:
    key: KeyPath
    line: int  # 1-based
    old_text: str  # the scalar as written, quotes included
    new_text: str
    before: str  # the whole line, before and after
    after: str


def plan_edit(text: str, key: KeyPath, value: str | int, file: str) -> ScalarEdit | None:
    """The edit that sets `key` to `value`, or None when it already reads so."""
    node = _find(yaml.compose(text, Loader=yaml.SafeLoader), key)
    if not isinstance(node, ScalarNode):
        raise ConfigError(f"{file}: {format_path(key)} is not a single value; edit it by hand")
    start, end = node.start_mark.index, node.end_mark.index
    old = text[start:end]
    if "${" in old:
        raise ConfigError(
            f"{file}:{node.start_mark.line + 1}: {format_path(key)} is {old}, set from the "
            "environment; change the variable instead"
        )
    new = _written(value, node.style)
    if new == old:
        return None
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    before = text[line_start:line_end]
    after = text[line_start:start] + new + text[end:line_end]
    return ScalarEdit(key, node.start_mark.line + 1, old, new, before, after)


def apply_edit(path: Path, edit: ScalarEdit) -> None:
    """Rewrite the file with the edit (atomically: a crash leaves the old file whole)."""
    text = path.read_text("utf-8")
    node = _find(yaml.compose(text, Loader=yaml.SafeLoader), edit.key)
    assert isinstance(node, ScalarNode)
    start, end = node.start_mark.index, node.end_mark.index
    if text[start:end] != edit.old_text:
        raise ConfigError(f"{path} changed while it was being edited; re-run")
    changed = text[:start] + edit.new_text + text[end:]
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(changed)
        os.chmod(temporary, path.stat().st_mode & 0o7777)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _written(value: str | int, style: str | None) -> str:
    if isinstance(value, int):
        return str(value)
    if style in ("'", '"'):
        return f"{style}{value}{style}"
    plain = yaml.safe_load(value) if value else None
    return value if plain == value else f'"{value}"'  # "10.5" plain would read as a number


def _find(node: Node | None, key: KeyPath) -> Node | None:
    for part in key:
        if isinstance(node, MappingNode) and isinstance(part, str):
            node = next((v for k, v in node.value if getattr(k, "value", None) == part), None)
        elif isinstance(node, SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            return None
    return node
