"""Wall time of real publishes against the sandbox, with Marketplace's real 10 s upload spacing.

1. a full publish (artifact + 6 images + version + listing) from a clean machine;
2. a second release published right after it: the spacing rule sets a lower bound
   (10 s after the first artifact upload ended); we report how far above that bound it lands;
3. an unchanged re-run (nothing to write).
Each line gives the wall time and the HTTP requests made (from the run's JSON report).

Usage: python benchmarks/publish_time.py
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def publish(env: dict[str, str], config: Path) -> tuple[float, dict[str, object]]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "publisher", "publish", "--json", str(config)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    took = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"publish failed ({done.returncode}): {done.stderr[-2000:]}")
    return took, json.loads(done.stdout)


def main() -> None:
    from publisher.sandbox import Sandbox

    with tempfile.TemporaryDirectory() as tmp, Sandbox(port=0) as sandbox:  # real 10 s spacing
        user, token = sandbox.credentials
        env = {
            **os.environ,
            "MPAC_API_URL": sandbox.url,
            "MPAC_USER": user,
            "MPAC_TOKEN": token,
            "MPAC_STATE_DIR": str(Path(tmp) / "state"),
        }
        first, second = Path(tmp) / "first", Path(tmp) / "second"
        for repo in (first, second):
            shutil.copytree(ROOT / "examples", repo)
            (repo / ".git").mkdir()
        _second_release(second)

        took, report = publish(env, first / "release.yml")
        first_upload_end = time.time()  # an upper estimate of when the artifact upload ended
        print(
            f"full publish (artifact + 6 images + version + listing): {took:6.2f} s, "
            f"{report['requests']} requests, waited {report['waited_seconds']:.2f} s"
        )
        started = time.time()
        took2, report2 = publish(env, second / "release.yml")
        bound = max(0.0, first_upload_end + 10.0 - started)
        print(
            f"next release right after it:        {took2:6.2f} s, {report2['requests']} requests; "
            f"spacing lower bound {bound:5.2f} s, above the bound by {took2 - bound:5.2f} s"
        )
        took3, report3 = publish(env, first / "release.yml")
        print(
            f"unchanged re-run:                    {took3:6.2f} s, {report3['requests']} requests, "
            f"result {report3['result']}"
        )


def _second_release(repo: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from benchmarks.publish_memory import make_jar

    text = (repo / "release.yml").read_text()
    text = text.replace('version: "2.4.0"', 'version: "2.4.1"').replace(
        "build: 2004000", "build: 2004001"
    )
    (repo / "release.yml").write_text(text)
    (repo / "CHANGELOG.md").write_text("# Changelog\n\n## [2.4.1]\n- A fix.\n")
    make_jar(repo / "target" / "timesheets-2.4.0.jar", 1, version="2.4.1")


if __name__ == "__main__":
    main()
