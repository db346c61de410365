"""The result document of the commands that follow a release (`apps`, `status`, `compat`,
`yank`): one shape for reporters, each command's body described by its JSON Schema in
publisher/report/schemas/<command>.json."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from publisher.diagnostics import Diagnostic
from publisher.outcome import diagnostic_json


@dataclass(frozen=True)
class CommandReport:
    command: str  # "apps", "status", "compat check", "compat bump", "yank"
    result: str  # a word per command, e.g. "matches", "behind", "hidden", "failed"
    exit_code: int
    body: dict[str, Any] = field(default_factory=dict)  # the command's own fields (its schema)
    headline: str = ""  # the verdict line for people
    markdown: str = ""  # the job summary's body
    outputs_: dict[str, str] = field(default_factory=dict)  # GitHub step outputs
    dry_run: bool = False
    attention: bool = False  # a success that needs a look (status: live differs)
    requests: int = 0
    diagnostics: tuple[Diagnostic, ...] = ()
    error: str | None = None
    advice: str | None = None

    def outputs(self) -> dict[str, str]:
        return {"result": self.result, **self.outputs_}

    def final_lines(self) -> list[str]:
        if self.exit_code not in (0, 11) or self.error:
            lines = [f"✗ {self.error or self.result}"]
            return lines + ([f"  hint: {self.advice}"] if self.advice else [])
        mark = "✗" if self.exit_code else ("!" if self.attention else "✓")
        return [f"{mark} {self.headline or self.result}"]

    def summary(self) -> str:
        lines = self.final_lines()
        lines[0] = lines[0].replace("✓", "✅").replace("✗", "❌").replace("! ", "⚠️ ", 1)
        verdict = "\n".join(lines)
        return f"## mpac-publisher {self.command}\n\n{verdict}\n\n{self.markdown}".rstrip() + (
            f"\n\n<sub>{self.requests} Marketplace requests · exit code {self.exit_code}</sub>\n"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "command": self.command,
            "result": self.result,
            "exit_code": self.exit_code,
            "dry_run": self.dry_run,
            "requests": self.requests,
            "error": self.error,
            "advice": self.advice,
            "diagnostics": [diagnostic_json(d) for d in self.diagnostics],
            "outputs": self.outputs(),
            **self.body,
        }


def schema(name: str) -> dict[str, Any]:
    """The JSON Schema of a command's --json document: apps, status, compat-check, compat-bump,
    yank."""
    text = resources.files("publisher.report").joinpath(f"schemas/{name}.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def md_table(header: list[str], rows: list[list[str]]) -> str:
    """A Markdown table; `|` in cells escaped."""

    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"
