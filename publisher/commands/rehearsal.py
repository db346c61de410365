"""`mpac-publisher sandbox --for release.yml`: a sandbox seeded to rehearse this very release.

The client reads release.yml with its own loader and hands the sandbox a plain seed mapping (the
format of docs/sandbox.md): the sandbox imports nothing from the client, and this module is the
only place that knows both sides' words.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from publisher.config import load_release
from publisher.diagnostics import Diagnostic

# The sandbox's demo account: what `sandbox` prints in its export line.
DEMO_EMAIL = "demo@example.com"
DEMO_TOKEN = "sandbox-demo-token"  # noqa: S105 (a sandbox-only password, printed on purpose)


class RehearsalSeedError(Exception):
    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("release.yml is invalid")
        self.diagnostics = diagnostics


def rehearsal_seed(config: Path, env: Mapping[str, str]) -> dict[str, Any]:
    """The demo account owning the release's app on its hostings, and the products and versions
    its compatibility names (added to the sandbox's catalogue when missing)."""
    result = load_release(config, env=env, display_name=str(config))
    release = result.release
    if release is None or not result.ok:
        raise RehearsalSeedError([d for d in result.diagnostics if d.is_error])
    products: dict[str, list[str | int]] = {}
    for entry in release.compatibility:
        versions = products.setdefault(entry.product, [])
        versions += [v for v in (entry.min, entry.max) if v not in versions]
    app = {"key": release.app, "hosting": list(release.hostings)}
    return {
        "accounts": [{"email": DEMO_EMAIL, "token": DEMO_TOKEN, "apps": [app]}],
        "products": [{"product": p, "versions": v} for p, v in products.items()],
    }
