"""`mpac-publisher schema`: print the release.yml JSON Schema (for editors and other validators)."""

from __future__ import annotations

from typing import TextIO

from publisher.config.schema import schema_text


def print_schema(out: TextIO, markdown: bool = False) -> int:
    if markdown:
        from publisher.config.reference import reference_markdown

        out.write(reference_markdown())
    else:
        out.write(schema_text())
    return 0
