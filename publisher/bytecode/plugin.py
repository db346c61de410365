"""The plugin artifact as verification reads it: the classes it is made of (whose references are
checked), every class it carries (its own and the libraries bundled under META-INF/lib/, which
resolve references but are not checked themselves), and its manifest's headers."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from publisher.bytecode.archive import Budget, entries
from publisher.bytecode.classfile import ClassFile, read_class
from publisher.bytecode.errors import ArchiveProblem, ClassFileProblem
from publisher.bytecode.manifest import headers
from publisher.bytecode.surface import Known, known

PLUGIN_BUDGET = Budget(classes=200_000, bytes=1 << 30)


@dataclass
class Plugin:
    sources: list[ClassFile] = field(default_factory=list)
    provided: dict[str, Known] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    bundled: int = 0  # classes of bundled libraries

    def packages(self) -> set[str]:
        return {n.rpartition("/")[0].replace("/", ".") for n in self.provided}


def read_plugin(path: Path) -> Plugin:
    """Every class of the artifact; a class file that cannot be parsed is an ArchiveProblem: a
    class left out could hide a missing reference."""
    budget = Budget(PLUGIN_BUDGET.classes, PLUGIN_BUDGET.bytes)
    plugin = Plugin()
    for entry in entries(path, budget):
        if entry.manifest:
            if not entry.bundled:
                plugin.headers = headers(entry.data)
            continue
        try:
            cls = read_class(entry.data, with_uses=not entry.bundled)
        except ClassFileProblem as exc:
            raise ArchiveProblem(entry.where, f"is not a readable class file: {exc}") from None
        plugin.provided.setdefault(cls.name, known(cls))
        if entry.bundled:
            plugin.bundled += 1
        else:
            plugin.sources.append(cls)
    return plugin
