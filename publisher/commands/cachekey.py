"""The runner-cache key of the state directory, for the GitHub Action (action.yml).

`python -m publisher.commands.cachekey release.yml` prints `dir=`, `key=` and `restore-key=` lines
for $GITHUB_OUTPUT. The key names the app, its hostings and the API root, so two apps (or a sandbox
rehearsal and the real Marketplace) never share a ledger. It ends in the run id and the time,
because a cache entry is immutable; `restore-key` (the key without them) finds the newest entry. It
never fails the job: an unreadable release.yml gets a key from its path, and the publish step that
follows reports the problem at its line.
"""

from __future__ import annotations

import hashlib
import re
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from publisher.config import load_release
from publisher.marketplace.connection import DEFAULT_API_URL
from publisher.state.directory import state_dir

PREFIX = "mpac-publisher-state-v1"


@dataclass(frozen=True)
class StateCacheKey:
    directory: Path
    key: str
    restore_key: str

    def output_lines(self) -> list[str]:
        return [f"dir={self.directory}", f"key={self.key}", f"restore-key={self.restore_key}"]


def state_cache_key(config: Path, env: Mapping[str, str], now_ns: int) -> StateCacheKey:
    app, hostings = _app_and_hostings(config, env)
    root = (env.get("MPAC_API_URL") or DEFAULT_API_URL).strip().rstrip("/")
    root_id = hashlib.sha256(root.encode()).hexdigest()[:12]
    scope = "-".join([env.get("RUNNER_OS") or "any", _safe(app), "+".join(hostings), root_id])
    restore = f"{PREFIX}-{scope}-"
    run = f"{env.get('GITHUB_RUN_ID') or 'local'}-{env.get('GITHUB_RUN_ATTEMPT') or '1'}"
    # Unique even when one job publishes twice: a cache key can be saved only once.
    return StateCacheKey(state_dir(env).resolve(), f"{restore}{run}-{now_ns // 1_000_000}", restore)


def _app_and_hostings(config: Path, env: Mapping[str, str]) -> tuple[str, list[str]]:
    result = load_release(config, env=env)
    if result.release is None:  # publish reports why; the key only has to be stable
        return "config-" + hashlib.sha256(str(config).encode()).hexdigest()[:12], ["unknown"]
    return result.release.app, sorted(result.release.hostings)


def _safe(text: str) -> str:
    """Cache keys may not contain commas; keep them short and readable."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text)[:120]


def main(argv: Sequence[str], env: Mapping[str, str]) -> int:
    config = Path(argv[0] if argv else "release.yml")
    found = state_cache_key(config, env, time.time_ns())
    try:  # the cache action needs the path to exist; a failure here is reported by publish (exit 9)
        found.directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        sys.stderr.write(f"mpac-publisher: cannot create the state directory: {exc}\n")
    sys.stdout.write("\n".join(found.output_lines()) + "\n")
    return 0


if __name__ == "__main__":
    import os

    raise SystemExit(main(sys.argv[1:], os.environ))
