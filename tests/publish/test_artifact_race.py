"""Another run created the version between our plan and our create, with its own upload: the
version document we write keeps the live artifact when it has our bytes, and refuses (exit 10)
to swap in different bytes unless --replace-artifact (publisher.publish.artifactguard)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from publisher.config import load_release
from publisher.config.model import Release
from publisher.errors import ArtifactDiffersError, ExitCode
from publisher.publish.artifactguard import keep_same_artifact

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
OURS = "sha512:" + "ab" * 64
THEIRS = "sha512:" + "cd" * 64


@pytest.fixture
def release(tmp_path: Path) -> Release:
    shutil.copytree(EXAMPLES, tmp_path / "app")
    (tmp_path / "app" / ".git").mkdir()
    loaded = load_release(tmp_path / "app" / "release.yml", env={})
    assert loaded.release is not None, loaded.diagnostics
    return loaded.release


def _version(artifact_id: str) -> dict[str, Any]:
    return {
        "state": "submitted",
        "frameworkDetails": {"frameworkId": "plugin", "attributes": {"artifactId": artifact_id}},
    }


def _lookup(checksum: str) -> Any:
    return lambda artifact_id: {"fileInfo": {"checksum": checksum}}


def test_the_live_artifact_with_our_bytes_is_kept_not_swapped(release: Release) -> None:
    kept = keep_same_artifact(
        release, "datacenter", _version("live"), _version("ours"), OURS, _lookup(OURS), False
    )
    assert kept["frameworkDetails"]["attributes"]["artifactId"] == "live"


def test_other_bytes_are_refused_with_exit_10(release: Release) -> None:
    with pytest.raises(ArtifactDiffersError) as refused:
        keep_same_artifact(
            release, "datacenter", _version("live"), _version("ours"), OURS, _lookup(THEIRS), False
        )
    assert refused.value.exit_code == ExitCode.ARTIFACT_DIFFERS
    assert THEIRS in refused.value.message and refused.value.diagnostics


def test_other_bytes_are_swapped_only_when_asked(release: Release) -> None:
    desired = _version("ours")
    found = keep_same_artifact(
        release, "datacenter", _version("live"), desired, OURS, _lookup(THEIRS), True
    )
    assert found is desired


def test_the_same_id_needs_no_lookup(release: Release) -> None:
    def lookup(artifact_id: str) -> None:
        raise AssertionError("no request is needed")

    desired = _version("same")
    assert (
        keep_same_artifact(release, "datacenter", _version("same"), desired, OURS, lookup, False)
        is desired
    )
