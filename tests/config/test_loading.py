"""Loading release.yml: positions, interpolation typed by the schema, safety limits, bad bytes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from publisher.config import load_release
from publisher.config.changelog import ChangelogError, section_for
from publisher.config.yamldoc import YamlError, load_yaml

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the example project, so each test can change release.yml freely."""
    shutil.copytree(EXAMPLES, tmp_path / "app")
    (tmp_path / "app" / ".git").mkdir()
    return tmp_path / "app"


def write(project: Path, text: str) -> Path:
    path = project / "release.yml"
    path.write_text(text)
    return path


def messages(result: object) -> list[str]:
    return [d.render() for d in result.diagnostics]  # type: ignore[attr-defined]


MINIMAL = """\
app: com.example.timesheets
hosting: ${HOSTING:-datacenter}
version: "${VERSION}"
build: ${BUILD}
artifact: target/timesheets-${VERSION}.jar
payment: free
supported: ${SUPPORTED:-true}
compatibility:
  - product: jira
    min: ${JIRA_MIN}
    max: 10.3.0
release:
  summary: "Costs $${PRICE} less"
"""


def test_environment_values_are_typed_by_the_schema(project: Path) -> None:
    env = {"VERSION": "2.4.0", "BUILD": "2004000", "JIRA_MIN": "912000"}
    result = load_release(write(project, MINIMAL), env=env)
    assert result.ok, messages(result)
    release = result.release
    assert release is not None
    assert release.build == 2004000 and isinstance(release.build, int)
    assert release.version == "2.4.0"
    assert release.hostings == ("datacenter",)
    assert release.supported is True
    assert release.compatibility[0].min == 912000  # digits where a build number may stand
    assert release.changelog.summary == "Costs ${PRICE} less"  # $$ escapes


def test_a_version_from_the_environment_stays_a_string(project: Path) -> None:
    env = {"VERSION": "2.4.0", "BUILD": "2004000", "JIRA_MIN": "9.12.0"}
    result = load_release(write(project, MINIMAL), env=env)
    assert result.ok, messages(result)
    assert result.release is not None and result.release.compatibility[0].min == "9.12.0"


def test_unset_variable_is_an_error_at_its_line(project: Path) -> None:
    result = load_release(write(project, MINIMAL), env={"VERSION": "2.4.0", "JIRA_MIN": "1"})
    assert not result.ok
    assert any(":4:8: error: environment variable BUILD is not set" in m for m in messages(result))


def test_malformed_reference_is_reported(project: Path) -> None:
    text = MINIMAL.replace("${BUILD}", "${BUILD").replace('"${VERSION}"', '"${1X}"')
    result = load_release(
        write(project, text), env={"VERSION": "2.4.0", "BUILD": "1", "JIRA_MIN": "1"}
    )
    rendered = "\n".join(messages(result))
    assert "unterminated '${'" in rendered
    assert "'${1X}' is not a variable reference" in rendered


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"app: x\x00\n", "1:1: error: the file contains NUL bytes"),
        (b"app: \xff\xfe\n", "1:1: error: the file is not UTF-8 text"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "error: the file contains NUL bytes"),
        (b"   \n# only a comment\n", "error: the file is empty"),
        (b"just a string\n", "found the value 'just a string'"),
        (b"a: [1, 2\n", "1:4: error: this '[' is not closed on its line"),
        (b"---\na: 1\n---\nb: 2\n", "expected a single document"),
    ],
)
def test_bad_bytes_get_one_clear_line(project: Path, raw: bytes, expected: str) -> None:
    path = project / "release.yml"
    path.write_bytes(raw)
    result = load_release(path, env={})
    assert not result.ok
    assert len(result.diagnostics) == 1
    assert expected in result.diagnostics[0].render()


def test_a_directory_or_a_missing_file_is_one_clear_line(project: Path) -> None:
    assert "is a directory" in messages(load_release(project, env={}))[0]
    assert "release file not found" in messages(load_release(project / "nope.yml", env={}))[0]


def test_small_aliases_and_merge_keys_are_fine() -> None:
    doc = load_yaml("base: &b {caption: Shot}\nx:\n  <<: *b\n  image: a.png\ny: *b\n", "r.yml")
    assert doc.data["x"] == {"caption": "Shot", "image": "a.png"}
    assert doc.data["y"] == {"caption": "Shot"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: &a [*a]\n", "recursive"),
        ("a: " + "[" * 5000 + "]" * 5000 + "\n", "nested"),
        ("a: !!binary aGVsbG8=\n", "tag"),
        ("? [a, b]\n: 1\n", "a key must be a plain name"),
    ],
)
def test_dangerous_yaml_is_refused_clearly(text: str, expected: str) -> None:
    with pytest.raises(YamlError) as caught:
        load_yaml(text, "r.yml")
    assert expected in caught.value.diagnostics[0].message


def test_positions_point_at_values_and_keys() -> None:
    doc = load_yaml(
        "app: x\nlisting:\n  state: public\n  screenshots:\n    - image: a.png\n", "r.yml"
    )
    assert str(doc.locate(("listing", "state"))) == "r.yml:3:10"
    assert str(doc.locate(("listing", "screenshots"))) == "r.yml:4:3"  # a list: at its key
    assert str(doc.locate(("listing", "screenshots", 0, "image"))) == "r.yml:5:14"
    assert str(doc.locate(("listing", "hero"))) == "r.yml:2:1"  # missing: at the parent's key


def test_outside_workspace_is_allowed_only_when_asked(project: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.jar"
    shutil.copy(project / "target" / "timesheets-2.4.0.jar", outside)
    text = (
        (project / "release.yml").read_text().replace("target/timesheets-2.4.0.jar", str(outside))
    )
    path = write(project, text)
    refused = load_release(path, env={})
    assert any("leaves the workspace" in m for m in messages(refused))
    allowed = load_release(path, env={}, allow_outside_workspace=True)
    assert allowed.ok, messages(allowed)
    assert load_release(path, env={}, workspace=tmp_path).ok


def test_notes_file_section_becomes_the_release_notes(project: Path) -> None:
    result = load_release(project / "release.yml", env={})
    assert result.release is not None
    assert result.release.changelog.notes is not None
    assert result.release.changelog.notes.startswith("### Changed\n- Export is three times faster.")
    assert result.release.changelog.notes_key == ("release", "notes_file")


def test_changelog_sections() -> None:
    text = "# Log\n## [1.2.0] - 2026\n- a\n### Sub\n- b\n## 1.1.0\n- c\n## v1.0.0\n- d\n"
    assert section_for(text, "1.2.0") == "- a\n### Sub\n- b\n"
    assert section_for(text, "1.0.0") == "- d\n"
    with pytest.raises(ChangelogError, match=r"versions found: 1\.2\.0, 1\.1\.0, 1\.0\.0"):
        section_for(text, "1.2")
    with pytest.raises(ChangelogError, match="empty section"):
        section_for("## 2.0.0\n\n## 1.0.0\n- x\n", "2.0.0")


def test_images_are_judged_by_content_not_name(project: Path) -> None:
    jpeg_named_png = project / "docs" / "img" / "overview.png"
    jpeg_named_png.write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 100 + b"\xff\xd9")
    result = load_release(project / "release.yml", env={})
    assert result.ok
    assert any("is named .png but is a JPEG image (uploaded as " in m for m in messages(result))
