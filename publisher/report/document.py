"""What the after-release commands' documents are made with: each command's body is described by
its JSON Schema in publisher/report/schemas/<command>.json, and its job summary by Markdown
tables. The document itself is `publisher.outcome.CommandReport`."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from publisher.report.markdown import table


def schema(name: str) -> dict[str, Any]:
    """The JSON Schema of a command's --json document: apps, status, compat-check, compat-bump,
    yank."""
    text = resources.files("publisher.report").joinpath(f"schemas/{name}.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def md_table(header: list[str], rows: list[list[str]]) -> str:
    """A Markdown table whose every cell is escaped (publisher.report.markdown.table)."""
    return table(header, rows)
