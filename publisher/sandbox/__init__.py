"""A local Marketplace v3 for tests and rehearsals: `Sandbox` (a handle) and `serve` (foreground).

This package imports nothing from the rest of `publisher`, so the client and the sandbox cannot
share a misunderstanding of the API. See docs/sandbox.md.
"""

from publisher.sandbox.faults import Fault
from publisher.sandbox.sandbox import Sandbox, serve
from publisher.sandbox.seed import SeedError, load_seed
from publisher.sandbox.settings import SandboxSettings

__all__ = ["Fault", "Sandbox", "SandboxSettings", "SeedError", "load_seed", "serve"]
