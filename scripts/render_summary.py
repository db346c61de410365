#!/usr/bin/env python3
"""Render the GitHub job summary of every outcome in a real browser, to look at it.

    python scripts/render_summary.py [--out DIR]

Each outcome is a real run of the CLI against a sandbox Marketplace (in GitHub mode, so it writes
GITHUB_STEP_SUMMARY); the Markdown becomes HTML with markdown-it-py (GFM tables) inside GitHub's
own stylesheet (npm's github-markdown-css, installed once into a cache directory), and headless
Chromium (Debian's `chromium`) takes a screenshot. Writes DIR/<outcome>.{md,html,png}.
"""

from __future__ import annotations

import argparse
import contextlib
import html
import io
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from markdown_it import MarkdownIt  # noqa: E402

from publisher.cli import main  # noqa: E402
from publisher.sandbox import Fault, Sandbox, SandboxSettings  # noqa: E402

OUTCOMES = (
    "published",
    "updated",
    "unchanged",
    "planned",
    "failed-invalid-config",
    "failed-rejected",
    "partial",
)
CSS_PACKAGE = "github-markdown-css@5"
CACHE = Path(os.environ.get("MPAC_RENDER_CACHE", Path.home() / ".cache" / "mpac-publisher-render"))
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)
WINDOW = (1000, 1500)
TIMEOUT = 90


# -- the outcomes, each a real run ---------------------------------------------------------------


class _Workspace:
    def __init__(self, root: Path, sandbox: Sandbox) -> None:
        shutil.copytree(ROOT / "examples", root)
        (root / ".git").mkdir()
        self.root = root
        self.release = root / "release.yml"
        self.summary = root.parent / f"{root.name}-summary.md"
        user, token = sandbox.credentials
        self.env = {
            "MPAC_API_URL": sandbox.url,
            "MPAC_USER": user,
            "MPAC_TOKEN": token,
            "MPAC_STATE_DIR": str(root.parent / f"{root.name}-state"),
            "MPAC_UPLOAD_SPACING": "0.2",
            "MPAC_RETRY_INITIAL": "0.01",
            "GITHUB_ACTIONS": "true",
            "GITHUB_WORKSPACE": str(root),
            "GITHUB_OUTPUT": str(root.parent / f"{root.name}-output.txt"),
        }

    def run(self, *argv: str, summary: bool = False) -> int:
        env = {**self.env, **({"GITHUB_STEP_SUMMARY": str(self.summary)} if summary else {})}
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            return main([*argv, str(self.release)], env)

    def edit(self, old: str, new: str) -> None:
        text = self.release.read_text()
        assert old in text, old
        self.release.write_text(text.replace(old, new, 1))


def _published(ws: _Workspace, sandbox: Sandbox) -> None:
    ws.run("publish", summary=True)


def _updated(ws: _Workspace, sandbox: Sandbox) -> None:
    ws.run("publish")
    notes = ws.root / "CHANGELOG.md"
    notes.write_text(notes.read_text().replace("three times faster", "four times faster"))
    ws.edit("caption: Overview", "caption: The timesheet overview")
    ws.run("publish", summary=True)


def _unchanged(ws: _Workspace, sandbox: Sandbox) -> None:
    ws.run("publish")
    ws.run("publish", summary=True)


def _planned(ws: _Workspace, sandbox: Sandbox) -> None:
    ws.run("publish")
    ws.edit("summary: Faster timesheet export", "summary: Much faster timesheet export")
    ws.run("plan", summary=True)


def _invalid(ws: _Workspace, sandbox: Sandbox) -> None:
    ws.edit("payment: free", "payment: gratis")
    ws.edit("youtube: dQw4w9WgXcQ", "youtube: https://youtu.be/x")
    ws.run("publish", summary=True)


def _rejected(ws: _Workspace, sandbox: Sandbox) -> None:
    detail = "Invalid value for field 'supportedPaymentModel': must be one of PAID_VIA_ATLASSIAN"
    sandbox.add_fault(
        Fault("POST", "/rest/3/app-software/*/versions", status=400, code="INVALID", detail=detail)
    )
    ws.run("publish", summary=True)


def _partial(ws: _Workspace, sandbox: Sandbox) -> None:
    detail = "Invalid value for highlights.title. Cannot be longer than 50 characters"
    path = "/rest/3/app-software/*/versions/*/listing"
    sandbox.add_fault(Fault("POST", path, status=400, code="INVALID", detail=detail))
    ws.run("publish", summary=True)


SCENARIOS: dict[str, Callable[[_Workspace, Sandbox], None]] = {
    "published": _published,
    "updated": _updated,
    "unchanged": _unchanged,
    "planned": _planned,
    "failed-invalid-config": _invalid,
    "failed-rejected": _rejected,
    "partial": _partial,
}


def summary_of(outcome: str, workdir: Path) -> str:
    """The job summary a real run of `outcome` writes."""
    with Sandbox(settings=SandboxSettings(upload_spacing=0.2), port=0) as sandbox:
        ws = _Workspace(workdir / outcome, sandbox)
        SCENARIOS[outcome](ws, sandbox)
        return ws.summary.read_text(encoding="utf-8")


# -- Markdown -> a page -> a screenshot ----------------------------------------------------------


def github_css(cache: Path = CACHE) -> Path | None:
    """GitHub's Markdown stylesheet from npm (installed once into `cache`), or None."""
    css = cache / "node_modules" / "github-markdown-css" / "github-markdown-light.css"
    if css.exists():
        return css
    npm = shutil.which("npm")
    if npm is None:
        return None
    cache.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            npm,
            "install",
            "--prefix",
            str(cache),
            "--no-audit",
            "--no-fund",
            "--silent",
            CSS_PACKAGE,
        ],
        check=False,
        timeout=TIMEOUT,
        capture_output=True,
    )
    return css if css.exists() else None


def page(markdown: str, css: Path, title: str) -> str:
    """GitHub renders summaries as GFM with HTML allowed (it sanitises; <details> stays)."""
    body = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>{css.read_text()}</style>"
        "<style>.markdown-body{box-sizing:border-box;max-width:980px;margin:0 auto;"
        "padding:32px}</style></head>"
        f"<body><article class='markdown-body'>{body.render(markdown)}</article></body></html>"
    )


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _browser(binary: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    argv = [binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args]
    return subprocess.run(argv, check=False, timeout=TIMEOUT, capture_output=True, text=True)


def screenshot(binary: str, page_file: Path, png: Path) -> str:
    """Screenshot `page_file` into `png`; returns the DOM Chromium built (its --dump-dom)."""
    url = page_file.resolve().as_uri()
    with tempfile.TemporaryDirectory() as profile:
        size = f"--window-size={WINDOW[0]},{WINDOW[1]}"
        _browser(binary, Path(profile) / "shot", f"--screenshot={png}", size, url)
        dom = _browser(binary, Path(profile) / "dom", "--dump-dom", url)
    return dom.stdout


def distinct_bytes(png: Path) -> int:
    """How many different byte values the decoded pixel rows hold (a blank page has ~2)."""
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{png} is not a PNG"
    chunks, offset = [], 8
    while offset < len(data):
        length, kind = struct.unpack(">I4s", data[offset : offset + 8])
        if kind == b"IDAT":
            chunks.append(data[offset + 8 : offset + 8 + length])
        offset += 12 + length
    return len(set(zlib.decompress(b"".join(chunks))))


def render(outcome: str, out: Path, binary: str, css: Path) -> tuple[Path, str]:
    """`outcome`'s summary as .md, .html and .png in `out`; returns the PNG and the DOM."""
    with tempfile.TemporaryDirectory() as work:
        markdown = summary_of(outcome, Path(work))
    (out / f"{outcome}.md").write_text(markdown, encoding="utf-8")
    page_file = out / f"{outcome}.html"
    page_file.write_text(page(markdown, css, outcome), encoding="utf-8")
    png = out / f"{outcome}.png"
    return png, screenshot(binary, page_file, png)


def cli() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("summary-render"))
    parser.add_argument("outcomes", nargs="*", help=f"default: all of {', '.join(OUTCOMES)}")
    args = parser.parse_args()
    unknown = set(args.outcomes) - set(OUTCOMES)
    if unknown:
        parser.error(f"unknown outcomes {sorted(unknown)}; choose from {', '.join(OUTCOMES)}")
    binary, css = chromium(), github_css()
    if binary is None or css is None:
        print("needs chromium (apt-get install chromium) and npm (github-markdown-css)")
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    for outcome in args.outcomes or OUTCOMES:
        png, _ = render(outcome, args.out, binary, css)
        print(f"{outcome}: {png} ({png.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(cli())
