"""The release.yml reference table, generated from the schema (the README embeds it verbatim)."""

from __future__ import annotations

import json
from typing import Any

from publisher.config.schema import release_schema


def reference_markdown() -> str:
    schema = release_schema()
    rows = ["| key | type | required | description | example |", "|---|---|---|---|---|"]
    rows += _rows(schema, schema, "")
    return "\n".join(rows) + "\n"


def _rows(schema: dict[str, Any], node: dict[str, Any], prefix: str) -> list[str]:
    node = _resolve(schema, node)
    required = set(node.get("required", []))
    found: list[str] = []
    for name, child in node.get("properties", {}).items():
        child = _resolve(schema, child)
        key = f"{prefix}{name}"
        found.append(
            f"| `{key}` | {_type(schema, child)} | {'yes' if name in required else ''} "
            f"| {_cell(child.get('description', ''))} | {_example(child)} |"
        )
        item = _resolve(schema, child.get("items", {})) if child.get("type") == "array" else None
        if item and item.get("properties"):
            found += _rows(schema, item, f"{key}[].")
        elif child.get("properties"):
            found += _rows(schema, child, f"{key}.")
    return found


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        merged = {
            **schema["$defs"][ref.rsplit("/", 1)[-1]],
            **{k: v for k, v in node.items() if k != "$ref"},
        }
        return _resolve(schema, merged)
    return node


def _type(schema: dict[str, Any], node: dict[str, Any]) -> str:
    if "enum" in node:
        return " \\| ".join(f"`{v}`" for v in node["enum"])
    if "anyOf" in node or "oneOf" in node:
        return " or ".join(
            _type(schema, _resolve(schema, n)) for n in node.get("anyOf", node.get("oneOf", []))
        )
    kind = node.get("type", "")
    if kind == "array":
        return f"list of {_type(schema, _resolve(schema, node.get('items', {})))}"
    if isinstance(kind, list):
        return " or ".join(kind)
    return str(kind) or "any"


def _example(node: dict[str, Any]) -> str:
    examples = node.get("examples") or []
    if not examples or isinstance(examples[0], dict | list):
        return ""
    value = examples[0]
    shown = value if isinstance(value, str) else json.dumps(value)
    return f"`{_cell(shown)}`"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")
