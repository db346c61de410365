"""Changing one scalar of release.yml in place, safely (`compat bump --write-config`).

Only the text span of the value (its node's start and end marks) is replaced, so comments, order,
quoting, layout, line endings and a byte-order mark stay as they were. The new text comes from a
YAML emitter in the node's own style, and the edited document is parsed again: the edit is
refused unless exactly that one value changed, to what was asked, and no credential was added.
Only a plain or quoted scalar without anchor, alias or tag is edited; anything else is a person's
job ("edit it by hand"). The file is replaced atomically with its mode kept; a symlink's target
is what gets rewritten (inside the workspace), never the link replaced by a copy.
"""

from __future__ import annotations

import codecs
import copy
import os
import stat
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import yaml
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from publisher.config.yamldoc import Path as KeyPath
from publisher.config.yamldoc import format_path
from publisher.diagnostics import Location, error
from publisher.errors import ConfigError
from publisher.files.regular import kind_of

_WIDE = 1 << 20  # the emitter must never fold a value over two lines
_BLOCK_STYLES = {"|": "a literal block scalar (|)", ">": "a folded block scalar (>)"}


@dataclass(frozen=True)
class ScalarEdit:
    key: KeyPath
    line: int  # 1-based
    old_text: str  # the scalar as written, quotes included
    new_text: str
    before: str  # the whole line, before and after
    after: str
    value: str | int = ""  # what the key reads after the edit
    text: str = field(default="", repr=False, compare=False)  # the whole edited document


@dataclass(frozen=True)
class Source:
    """A file's text exactly as stored: no newline translation, a UTF-8 BOM set aside."""

    path: Path
    text: str
    bom: bool

    def encoded(self, text: str) -> bytes:
        return (codecs.BOM_UTF8 if self.bom else b"") + text.encode("utf-8")


def read_source(path: Path) -> Source:
    """Read `path` as bytes: read_text would turn CRLF into LF, and the edit would write that."""
    raw = path.read_bytes()
    bom = raw.startswith(codecs.BOM_UTF8)
    try:
        return Source(path, raw[len(codecs.BOM_UTF8) if bom else 0 :].decode("utf-8"), bom)
    except UnicodeDecodeError:
        raise ConfigError(f"{path} is not UTF-8 text; edit it by hand") from None


def plan_edit(
    text: str, key: KeyPath, value: str | int, file: str, secrets: Iterable[str] = ()
) -> ScalarEdit | None:
    """The edit that sets `key` to `value`, or None when it already reads so; refused
    (ConfigError, located) when the node is not a simple scalar or the result is not exactly
    that change."""
    node = _editable(text, key, file)
    start, end = node.start_mark.index, node.end_mark.index
    old = text[start:end]
    at = _at(file, node)
    if "${" in old:
        message = f"{format_path(key)} is {old}, set from the environment"
        _refuse(at, f"{message}; change the variable instead")
    before_data = yaml.safe_load(text)
    if _read(before_data, key) == value and type(_read(before_data, key)) is type(value):
        return None
    new = _emitted(value, node.style, at, key)
    changed = text[:start] + new + text[end:]
    _verify(before_data, changed, key, value, at)
    _no_new_secrets(text, changed, secrets, at, key)
    line_start = text.rfind("\n", 0, start) + 1
    line_end = _line_end(text, end)
    before = text[line_start:line_end]
    after = text[line_start:start] + new + text[end:line_end]
    return ScalarEdit(key, at.line, old, new, before, after, value, changed)


def edited_file(path: Path, workspace: Path | None) -> Path:
    """The regular file an edit of `path` rewrites: itself, or a symlink's final target when it
    is inside `workspace` (None: anywhere). Replacing the link would leave its target stale."""
    real = Path(os.path.realpath(path))
    try:
        found = os.stat(real)
    except OSError as exc:
        raise ConfigError(f"{path} cannot be edited: {exc.strerror or exc}") from None
    if not stat.S_ISREG(found.st_mode):
        raise ConfigError(
            f"{path} is {kind_of(found.st_mode)}; --write-config edits a regular file",
            advice="drop --write-config and set max: by hand",
        )
    if workspace is not None and not real.is_relative_to(workspace):
        raise ConfigError(
            f"{path} resolves to {real}, outside the workspace {workspace}; nothing was sent",
            advice="edit max: by hand, or pass --allow-outside-workspace to edit the target",
        )
    return real


def check_writable(target: Path, file: str) -> None:
    """That `target` can be replaced: a file is created and removed beside it (the only test
    that holds for root and for immutable or read-only mounts too), and the file is writable."""
    try:
        handle, probe = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
        os.close(handle)
        os.unlink(probe)
        if not os.access(target, os.W_OK):
            raise PermissionError(13, "the file is read-only")
    except OSError as exc:
        raise ConfigError(
            f"{file} cannot be rewritten ({exc.strerror or exc}, in {target.parent}); "
            "nothing was sent",
            advice="make release.yml and its directory writable, or drop --write-config",
        ) from None


def apply_edit(
    target: Path, edit: ScalarEdit, file: str | None = None, secrets: Iterable[str] = ()
) -> None:
    """Rewrite `target` with the edit, planned again on the file as it is now (atomically: a
    crash leaves the old file whole). OSError is the caller's to explain."""
    file = file or str(target)
    source = read_source(target)
    again = plan_edit(source.text, edit.key, edit.value, file, secrets)
    if again is None:
        return  # it already reads so (set meanwhile)
    if again.old_text != edit.old_text:
        raise ConfigError(f"{file} changed while it was being edited; re-run")
    _replace(target, source.encoded(again.text))


def _replace(target: Path, data: bytes) -> None:
    mode = target.stat().st_mode & 0o7777
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())  # the new text is on disk before the old name points at it
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _editable(text: str, key: KeyPath, file: str) -> ScalarNode:
    """The node at `key`, if it is one whose text span is just its value."""
    loader = _Composer(text)
    try:
        node: Node | None = loader.get_single_node()
    except yaml.YAMLError:
        raise ConfigError(f"{file} no longer reads as YAML; re-run") from None
    finally:
        loader.dispose()
    for part in key:
        if isinstance(node, _Alias):
            break
        node = _child(node, part)
    name = format_path(key)
    if isinstance(node, _Alias):
        shown = f"{name} is read through an alias (*{node.anchor})"
        _refuse(_at(file, node), f"{shown}; edit it by hand")
    if not isinstance(node, ScalarNode):
        raise ConfigError(f"{file}: {name} is not a single value; edit it by hand")
    at = _at(file, node)
    if node.style in _BLOCK_STYLES:
        _refuse(at, f"{name} is {_BLOCK_STYLES[node.style]}; edit it by hand")
    if id(node) in loader.decorated:
        _refuse(at, f"{name} {loader.decorated[id(node)]}; edit it by hand")
    return node


class _Alias(Node):
    """Where the document says `*name`: the composer would hand back the anchored node itself,
    and editing that text would change the anchor's value (and every other alias of it)."""

    id = "alias"

    def __init__(self, event: AliasEvent) -> None:
        marks: Any = (event.start_mark, event.end_mark)  # the C loader's Mark type is another
        super().__init__("", None, *marks)
        self.anchor = event.anchor


class _Composer(yaml.SafeLoader):
    """The safe loader's node tree, with aliases kept as `_Alias` and anchors and tags noted."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.decorated: dict[int, str] = {}

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]  # untyped in the stubs
        node = super().compose_node(parent, index)
        if isinstance(event, AliasEvent):
            return _Alias(event)
        anchor, tag = getattr(event, "anchor", None), getattr(event, "tag", None)
        if node is not None and anchor is not None:
            self.decorated[id(node)] = f"carries an anchor (&{anchor})"
        elif node is not None and tag is not None:
            self.decorated[id(node)] = f"carries a tag ({tag})"
        return node


def _child(node: Node | None, part: str | int) -> Node | None:
    if isinstance(node, MappingNode) and isinstance(part, str):
        return next((v for k, v in node.value if getattr(k, "value", None) == part), None)
    if isinstance(node, SequenceNode) and isinstance(part, int) and part < len(node.value):
        found: Node = node.value[part]
        return found
    return None


def _emitted(value: str | int, style: str | None, at: Location, key: KeyPath) -> str:
    """`value` as YAML text in the node's style (plain when it reads back as the same string,
    else double-quoted, as release.yml writes versions); one line or refused."""
    if isinstance(value, int):
        return str(value)
    text = _dumped(value, style)
    if style is None and text.startswith("'"):
        text = _dumped(value, '"')
    if "\n" in text or "\r" in text:
        _refuse(at, f"the new {format_path(key)} does not fit on one line; edit it by hand")
    return text


def _dumped(value: str, style: str | None) -> str:
    text = yaml.dump(
        value, Dumper=yaml.SafeDumper, default_style=style, width=_WIDE, allow_unicode=False
    )
    return text.removesuffix("\n").removesuffix("\n...")  # a plain document's end marker


def _verify(before: Any, changed: str, key: KeyPath, value: str | int, at: Location) -> None:
    """The edited document, parsed again, is the old one with only `key` set to `value`."""
    expected = copy.deepcopy(before)
    _write(expected, key, value)
    try:
        after = yaml.safe_load(changed)
    except yaml.YAMLError:
        after = _Unreadable()
    if after != expected or type(_read(after, key)) is not type(value):
        shown = f"writing the new {format_path(key)} would change more than that value"
        _refuse(at, f"{shown}; edit it by hand")


class _Unreadable:
    """What a document that no longer parses reads as: equal to nothing."""


def _no_new_secrets(
    text: str, changed: str, secrets: Iterable[str], at: Location, key: KeyPath
) -> None:
    if any(changed.count(s) > text.count(s) for s in secrets if s):
        _refuse(at, f"the new {format_path(key)} would write a credential into the file; refused")


def _read(data: Any, key: KeyPath) -> Any:
    for part in key:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _write(data: Any, key: KeyPath, value: Any) -> None:
    holder = _read(data, key[:-1])
    holder[key[-1]] = value


def _at(file: str, node: Node) -> Location:
    return Location(file, node.start_mark.line + 1, node.start_mark.column + 1)


def _refuse(at: Location, message: str) -> NoReturn:
    raise ConfigError(f"{at.file}:{at.line}: {message}", diagnostics=(error(message, at),))


def _line_end(text: str, end: int) -> int:
    found = text.find("\n", end)
    found = len(text) if found < 0 else found
    return found - 1 if found > 0 and text[found - 1] == "\r" else found
