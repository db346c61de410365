"""The result of a command, as one document: what reporters summarise and `--json` prints."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from publisher.diagnostics import Diagnostic


@dataclass(frozen=True)
class Upload:
    kind: str  # "artifact" or "image"
    source: str  # the file (relative to release.yml) or the URL
    size: int | None = None
    sha512: str | None = None
    id: str | None = None
    image_type: str | None = None
    reused: bool = False  # already on Marketplace (or uploaded earlier in this run): not sent


@dataclass(frozen=True)
class DocumentChange:
    """What happens to one Marketplace document (a version or its listing)."""

    action: str  # "create", "update", "unchanged", "skip"
    patch: tuple[dict[str, Any], ...] = ()  # RFC 6902, live -> desired (update only)
    body: dict[str, Any] | None = None  # the request body (create; dry runs show it)
    done: bool = False


@dataclass(frozen=True)
class HostingResult:
    hosting: str
    app_software_id: str | None = None
    version: DocumentChange | None = None
    listing: DocumentChange | None = None
    version_url: str | None = None
    # The artifact this hosting's version names once the run wrote or kept it: the run's own,
    # or another run's it kept (that run created the version meanwhile); None if not reached.
    artifact_id: str | None = None


@dataclass(frozen=True)
class RunReport:
    command: str
    config: str
    result: str  # created, updated, unchanged, planned, valid, invalid, failed, partial
    exit_code: int
    app: str | None = None
    version: str | None = None
    build: int | None = None
    dry_run: bool = False
    hostings: tuple[HostingResult, ...] = ()
    uploads: tuple[Upload, ...] = ()
    artifact_id: str | None = None
    waited_seconds: float = 0.0
    elapsed_seconds: float = 0.0
    requests: int = 0
    diagnostics: tuple[Diagnostic, ...] = ()
    error: str | None = None
    advice: str | None = None
    notes: tuple[str, ...] = field(default=())
    artifact_path: str | None = None  # the local file a real publish sent (absolute), to attest

    def page_of(self, hosting: HostingResult) -> str | None:
        """The hosting's page on the Marketplace website (a person's link: the REST URL answers
        401 in a browser); None for a sandbox or another API root, which have no website."""
        # Here, not at the top: validate never asks, and needs no connection module (issue #24).
        from publisher.marketplace.weblinks import is_real_marketplace, marketplace_page

        url = hosting.version_url or ""
        if not self.app or not is_real_marketplace(url):
            return None
        return marketplace_page(self.app, hosting.hosting)

    def outputs(self) -> dict[str, str]:
        """The GitHub step outputs."""
        from publisher.marketplace.weblinks import is_real_marketplace, marketplace_page

        first = next((h for h in self.hostings if h.version_url), None)
        api_url = (first.version_url or "") if first else ""
        page = ""
        if first and self.app and is_real_marketplace(api_url):
            page = marketplace_page(self.app, first.hosting)
        return {
            "app": self.app or "",
            "build-number": "" if self.build is None else str(self.build),
            "version": self.version or "",
            "artifact-id": self.artifact_id or "",
            "artifact": self.artifact_path or "",
            "result": self.result,
            "marketplace-url": page,
            "version-api-url": api_url,
            "version-url": api_url,  # deprecated alias of version-api-url, removed in 0.3.0
        }

    def to_json(self) -> dict[str, Any]:
        document = asdict(self)
        document["diagnostics"] = [diagnostic_json(d) for d in self.diagnostics]
        document["outputs"] = self.outputs()
        return document


def diagnostic_json(d: Diagnostic) -> dict[str, Any]:
    where = (
        {"file": d.location.file, "line": d.location.line, "column": d.location.column}
        if d.location
        else None
    )
    return {"severity": d.severity, "message": d.message, "key": d.key, "location": where}


@dataclass(frozen=True)
class CommandReport:
    command: str  # "apps", "status", "compat check", "compat bump", "yank"
    result: str  # a word per command, e.g. "matches", "behind", "hidden", "failed"
    exit_code: int
    body: dict[str, Any] = field(default_factory=dict)  # the command's own fields (its schema)
    headline: str = ""  # the verdict line for people
    markdown: str = ""  # the job summary's body (made with publisher.report.markdown)
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
        if self.exit_code not in (0, 11, 12) or self.error:  # 11, 12: verdicts, not errors
            lines = [f"✗ {self.error or self.result}"]
            return lines + ([f"  hint: {self.advice}"] if self.advice else [])
        mark = "✗" if self.exit_code else ("!" if self.attention else "✓")
        return [f"{mark} {self.headline or self.result}"]

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
