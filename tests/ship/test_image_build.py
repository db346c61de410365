"""The Dockerfile built for real, without a daemon, and the image used the way CI uses it.

buildah (Debian's package) builds the Dockerfile with `--storage-driver vfs --isolation chroot` in a
private storage directory. The pinned python:3.12 base cannot be pulled here (no container
registry, only PyPI, Debian and npm), so the test builds the same Dockerfile on a local stand-in
base passed as `--build-arg PYTHON_IMAGE=...`: a Debian bookworm root file system made by
mmdebstrap (python3 3.11, pip), trusting the host's CA bundle as the host's pip does. Everything
after FROM is the real Dockerfile: the wheel stage, the hash-locked install from PyPI, the labels,
the user, the state dir.

Then, inside the image, as its non-root user, in a /workspace it cannot write (as a bind mount from
a CI checkout usually is): --version, validate, plan, publish --sandbox, and a publish against a
sandbox started in the container that writes its ledger to the image's MPAC_STATE_DIR.

scripts/test installs buildah and mmdebstrap (apt-get, as root); the test never installs anything.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILDAH = shutil.which("buildah")
MMDEBSTRAP = shutil.which("mmdebstrap")
BASE_PACKAGES = "python3,python3-pip,passwd,ca-certificates"
HOST_CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"
SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
OCI_LABELS = ("title", "description", "version", "revision", "licenses", "source")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(1500),
    pytest.mark.skipif(
        not (BUILDAH and MMDEBSTRAP),
        reason="buildah and mmdebstrap are not installed "
        "(scripts/test installs them with apt-get when run as root)",
    ),
    pytest.mark.skipif(
        os.geteuid() != 0, reason="buildah --isolation chroot needs root (CI runs as root)"
    ),
]


class Buildah:
    def __init__(self, storage: Path) -> None:
        self.flags = [
            "--root",
            str(storage / "root"),
            "--runroot",
            str(storage / "run"),
            "--storage-driver",
            "vfs",
        ]

    def __call__(self, *argv: str, timeout: float = 600) -> str:
        done = subprocess.run(
            [str(BUILDAH), *self.flags, *argv],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            env={**os.environ, "BUILDAH_ISOLATION": "chroot"},
        )
        assert done.returncode == 0, (
            f"buildah {argv[0]}: {done.stdout[-3000:]}{done.stderr[-3000:]}"
        )
        return done.stdout


def _debian_base(tmp: Path) -> Path:
    """A bookworm rootfs tarball; skips (does not fail) when Debian's mirror is unreachable."""
    tarball = tmp / "bookworm-python.tar"
    hook = 'rm -f "$1"/usr/lib/python3*/EXTERNALLY-MANAGED; rm -rf "$1"/var/lib/apt/lists/*'
    done = subprocess.run(
        [
            str(MMDEBSTRAP),
            "--quiet",
            "--variant=minbase",
            f"--include={BASE_PACKAGES}",
            f"--customize-hook={hook}",
            "bookworm",
            str(tarball),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"mmdebstrap could not build the Debian base: {done.stderr.strip()[-500:]}")
    return tarball


def _build(buildah: Buildah, tmp: Path) -> str:
    base = buildah("from", "scratch").strip()
    buildah("add", base, str(_debian_base(tmp)), "/")
    # This machine's trusted CAs: pip then reaches PyPI through the same TLS proxy as the host.
    buildah("copy", base, HOST_CA_BUNDLE, HOST_CA_BUNDLE)
    buildah("config", "--env", f"PATH={SYSTEM_PATH}", "--env", f"PIP_CERT={HOST_CA_BUNDLE}", base)
    buildah("commit", "--quiet", base, "localhost/mpac-test-base:bookworm")
    buildah(
        "build",
        "--isolation",
        "chroot",
        "--pull=never",
        "--build-arg",
        "PYTHON_IMAGE=localhost/mpac-test-base:bookworm",
        "--build-arg",
        "REVISION=test-revision",
        "--tag",
        "localhost/mpac-publisher:test",
        "--file",
        str(ROOT / "Dockerfile"),
        str(ROOT),
        timeout=1200,
    )
    return "localhost/mpac-publisher:test"


# Inside the image, as user 10001, in a /workspace owned by root (not writable by that user).
IN_IMAGE = r"""
set -eu
test ! -w /workspace
mpac-publisher --version
mpac-publisher validate release.yml
mpac-publisher plan release.yml
mpac-publisher publish --sandbox release.yml
mpac-publisher sandbox --port 0 --for release.yml >/tmp/sandbox.out 2>&1 &
for _ in $(seq 300); do grep -q '^  export ' /tmp/sandbox.out && break; sleep 0.1; done
eval "$(grep '^  export ' /tmp/sandbox.out)"
mpac-publisher publish release.yml
kill $!
echo "state: $MPAC_STATE_DIR: $(ls "$MPAC_STATE_DIR")"
"""


# One test, so that pytest-xdist never builds the image twice on two workers.
def test_the_image_builds_and_validates_plans_and_publishes_as_its_user_in_a_read_only_workspace(
    tmp_path: Path,
) -> None:
    buildah = Buildah(tmp_path / "storage")
    try:
        name = _build(buildah, tmp_path)
        config = json.loads(buildah("inspect", "--type", "image", name))["OCIv1"]["config"]
        labels = config["Labels"]
        for label in OCI_LABELS:
            assert labels.get(f"org.opencontainers.image.{label}"), (label, labels)
        assert labels["org.opencontainers.image.licenses"] == "Apache-2.0"
        assert labels["org.opencontainers.image.revision"] == "test-revision"
        assert config["User"] == "10001"
        assert "MPAC_STATE_DIR=/var/cache/mpac-publisher" in config["Env"]

        container = buildah("from", "--pull=never", name).strip()
        buildah("copy", "--chown", "0:0", container, str(ROOT / "examples"), "/workspace")
        # WORKDIR made /workspace the image user's: own it by root, as a CI checkout would be.
        for argv in (["chown", "-R", "0:0", "/workspace"], ["chmod", "-R", "go-w", "/workspace"]):
            buildah("run", "--user", "0", container, "--", *argv)
        log = buildah("run", "--user", "10001", container, "--", "sh", "-c", IN_IMAGE)
    finally:
        subprocess.run([str(BUILDAH), *buildah.flags, "rm", "--all"], capture_output=True)
        shutil.rmtree(tmp_path / "storage", ignore_errors=True)
    assert log.startswith("mpac-publisher 0.1.0"), log[:2000]
    assert log.count("created") >= 2, log[-3000:]
    assert "state: /var/cache/mpac-publisher: " in log and "uploads.json" in log, log[-3000:]
