"""atlassian-plugin.xml -> the plugin key, version and Data Center flag, read without a DTD.

A pattern check for `<!DOCTYPE` misses a UTF-16 document, so the parser itself refuses any
document type or entity declaration: no entity expansion can happen at all.
"""

from __future__ import annotations

from xml.parsers import expat


class DescriptorProblem(Exception):
    """Completes "has an atlassian-plugin.xml ..."."""


class _Refused(Exception):
    pass


class _Reader:
    """Collects the root element's key, plugin-info/version and plugin-info/param values."""

    def __init__(self) -> None:
        self.stack: list[str] = []
        self.root: str | None = None
        self.key: str | None = None
        self.version: list[str] | None = None
        self.param: str | None = None
        self.params: dict[str, list[str]] = {}

    def start(self, name: str, attributes: dict[str, str]) -> None:
        if self.root is None:
            self.root, self.key = name, attributes.get("key")
        self.stack.append(name)
        if self.stack[1:] == ["plugin-info", "version"] and self.version is None:
            self.version = []
        if self.stack[1:] == ["plugin-info", "param"]:
            self.param = attributes.get("name", "")
            self.params.setdefault(self.param, [])

    def end(self, name: str) -> None:
        if self.stack[1:] == ["plugin-info", "param"]:
            self.param = None
        self.stack.pop()

    def text(self, data: str) -> None:
        if self.stack[1:] == ["plugin-info", "version"] and self.version is not None:
            self.version.append(data)
        elif self.param is not None:
            self.params[self.param].append(data)


def _refuse(*_: object) -> None:
    raise _Refused


def plugin_identity(raw: bytes) -> tuple[str | None, str | None, bool]:
    """(key, version, data-center compatible) of an atlassian-plugin.xml; DescriptorProblem."""
    reader = _Reader()
    parser = expat.ParserCreate()
    parser.StartElementHandler = reader.start
    parser.EndElementHandler = reader.end
    parser.CharacterDataHandler = reader.text
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    try:
        parser.Parse(raw, True)
    except _Refused:
        raise DescriptorProblem("with a DOCTYPE/ENTITY declaration; refused") from None
    except expat.ExpatError as exc:
        raise DescriptorProblem(f"that is not valid XML: {exc}") from None
    if reader.root != "atlassian-plugin":
        raise DescriptorProblem(f"whose root is <{reader.root}>, not <atlassian-plugin>")
    version = "".join(reader.version).strip() if reader.version is not None else None
    params = {name: "".join(text).strip().lower() for name, text in reader.params.items()}
    dc = (
        params.get("atlassian-data-center-compatible") == "true"
        or params.get("atlassian-data-center-status") == "compatible"
    )
    return reader.key, version or None, dc
