"""Another run created the version between our plan and our create, with its own upload: the
version document we write keeps the live artifact when it has our bytes or, rebuilt, our content
(publish/rebuilt.py's verdict), and refuses (exit 10) to swap in other content unless
--replace-artifact (publisher.publish.artifactguard)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from publisher.config import load_release
from publisher.config.model import Release
from publisher.errors import ArtifactDiffersError, ExitCode
from publisher.publish.artifactguard import OurArtifact, RaceCheck, keep_same_artifact
from publisher.publish.rebuilt import ContentVerdict

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


def _compare(verdict: ContentVerdict | None) -> Any:
    return lambda artifact_id, details: verdict


def _never(artifact_id: str, details: Any) -> None:
    raise AssertionError("no content comparison is needed")


SAME = ContentVerdict(True, (), "the live artifact, downloaded")
OTHER = ContentVerdict(False, ("com/example/A.class (CRC 1 here, 2 live)",), "the record")
UPLOADED = OurArtifact("upload", "target/app.jar", "ours", OURS)


def _check(
    release: Release,
    checksum: str,
    compare: Any,
    *,
    ours: OurArtifact = UPLOADED,
    replace: bool = False,
) -> RaceCheck:
    return RaceCheck(release, ours, _lookup(checksum), compare, replace)


def test_the_live_artifact_with_our_bytes_is_kept_not_swapped(release: Release) -> None:
    kept, why = keep_same_artifact(
        _check(release, OURS, _never), "datacenter", _version("live"), _version("ours")
    )
    assert kept["frameworkDetails"]["attributes"]["artifactId"] == "live"
    assert why == "the same bytes"


def test_a_rebuild_with_the_live_artifacts_content_keeps_the_live_artifact(
    release: Release,
) -> None:
    desired = _version("ours")
    kept, why = keep_same_artifact(
        _check(release, THEIRS, _compare(SAME)), "datacenter", _version("live"), desired
    )
    assert kept["frameworkDetails"]["attributes"]["artifactId"] == "live"
    assert desired["frameworkDetails"]["attributes"]["artifactId"] == "ours"  # not mutated
    assert why == "the same content, compared with the live artifact, downloaded"


def test_other_content_is_refused_with_exit_10_naming_the_entries(release: Release) -> None:
    with pytest.raises(ArtifactDiffersError) as refused:
        keep_same_artifact(
            _check(release, THEIRS, _compare(OTHER)),
            "datacenter",
            _version("live"),
            _version("ours"),
        )
    assert refused.value.exit_code == ExitCode.ARTIFACT_DIFFERS
    assert THEIRS in refused.value.message and refused.value.diagnostics
    assert "com/example/A.class (CRC 1 here, 2 live)" in refused.value.message
    assert "project.build.outputTimestamp" in str(refused.value.advice)
    assert "Nothing was uploaded" not in refused.value.message  # this run did upload


def test_other_bytes_that_cannot_be_compared_by_content_are_refused(release: Release) -> None:
    with pytest.raises(ArtifactDiffersError) as refused:
        keep_same_artifact(
            _check(release, THEIRS, _compare(None)),
            "datacenter",
            _version("live"),
            _version("ours"),
        )
    assert "project.build.outputTimestamp" not in str(refused.value.advice)


def test_other_content_is_swapped_only_when_asked(release: Release) -> None:
    desired = _version("ours")
    found = keep_same_artifact(
        _check(release, THEIRS, _compare(OTHER), replace=True),
        "datacenter",
        _version("live"),
        desired,
    )
    assert found == (desired, None)


def test_the_same_id_needs_no_lookup(release: Release) -> None:
    def lookup(artifact_id: str) -> None:
        raise AssertionError("no request is needed")

    desired = _version("same")
    check = RaceCheck(release, UPLOADED, lookup, _never)
    found = keep_same_artifact(check, "datacenter", _version("same"), desired)
    assert found == (desired, None) and found[0] is desired


@pytest.mark.parametrize(
    ("ours", "said", "unused"),
    [
        (
            UPLOADED,
            f"this run uploaded target/app.jar ({OURS}) as ours",
            "this run's upload ours is left unused",
        ),
        (
            OurArtifact("fetch", "https://example.com/app.jar", "ours"),
            "Marketplace fetched https://example.com/app.jar for this run as ours",
            "the artifact Marketplace fetched for this run, ours, is left unused",
        ),
        (
            OurArtifact("reuse", "target/app.jar", "ours", OURS, "uploaded by an earlier run"),
            f"this run reused artifact ours ({OURS}; uploaded by an earlier run)",
            "artifact ours, which this run reused, is not used for it",
        ),
    ],
)
def test_the_refusal_says_how_this_run_came_by_its_artifact(
    release: Release, ours: OurArtifact, said: str, unused: str
) -> None:
    with pytest.raises(ArtifactDiffersError) as refused:
        keep_same_artifact(
            _check(release, THEIRS, _compare(OTHER), ours=ours),
            "datacenter",
            _version("live"),
            _version("ours"),
        )
    assert said in refused.value.message, refused.value.message
    assert refused.value.message.endswith(f"The version was left as it is, and {unused}")
    if ours.action != "upload":
        assert "this run uploaded" not in refused.value.message
        assert "this run's upload" not in refused.value.message
