"""The resume journal is a hint: a record that cannot be read (invalid JSON, a section of the
wrong type, a file that is not an object) is treated as absent, with a warning, and the next
record written repairs the file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from publisher.state.journal import Journal

SHA = "sha512:" + "ab" * 64
BROKEN = {
    "artifacts is a list": '{"artifacts": ["x"]}',
    "images is a string": '{"images": "oops"}',
    "steps is a list": '{"steps": []}',
    "every section wrong": '{"artifacts": 1, "images": [], "steps": "x"}',
    "not an object": "[1, 2, 3]",
    "a bare string": '"journal"',
    "invalid JSON": '{"artifacts": {',
    "not UTF-8": b"\xff\xfe\x00",
}


def _journal(directory: Path, warnings: list[str]) -> Journal:
    return Journal(
        directory, "https://api.example.com/marketplace", "com.example.app", 7, warn=warnings.append
    )


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_wrong_typed_or_unreadable_journal_is_treated_as_absent_with_a_warning(
    tmp_path: Path, case: str
) -> None:
    warnings: list[str] = []
    path = _journal(tmp_path, []).path
    path.parent.mkdir(parents=True)
    raw = BROKEN[case]
    path.write_bytes(raw if isinstance(raw, bytes) else raw.encode())
    journal = _journal(tmp_path, warnings)
    assert journal.artifact(SHA) is None
    assert journal.image(SHA, "screenshot") is None
    assert journal.step("version:datacenter") is None
    assert not journal.has_artifacts()
    assert warnings and "treated as absent" in warnings[0]
    # every record still works, and leaves a well-formed file behind
    journal.record_image(SHA, "screenshot", "img-1")
    journal.record_artifact(SHA, "art-1")
    journal.record_step("version:datacenter", "hash", "done")
    again = _journal(tmp_path, [])
    assert again.artifact(SHA) == "art-1" and again.image(SHA, "screenshot") == "img-1"
    assert again.step("version:datacenter") == {"hash": "hash", "result": "done"}
    assert isinstance(json.loads(path.read_text()), dict)


def test_wrong_typed_entries_inside_a_section_are_ignored(tmp_path: Path) -> None:
    path = _journal(tmp_path, []).path
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"artifacts": {SHA: 5}, "images": {f"hero:{SHA}": ["x"]}}))
    journal = _journal(tmp_path, [])
    assert journal.artifact(SHA) is None and journal.image(SHA, "hero") is None
    assert not journal.has_artifacts()


def test_forgotten_image_ids_are_no_longer_recalled(tmp_path: Path) -> None:
    journal = _journal(tmp_path, [])
    journal.record_image(SHA, "screenshot", "img-1")
    journal.record_image(SHA, "hero", "img-2")
    journal.forget_images({"img-1"})
    again = _journal(tmp_path, [])
    assert again.image(SHA, "screenshot") is None and again.image(SHA, "hero") == "img-2"


@pytest.mark.parametrize(
    "spelling",
    [
        "https://API.Example.com/marketplace/",
        "https://api.example.com:443/marketplace",
        "HTTPS://api.example.com/marketplace//",
    ],
)
def test_the_journal_key_does_not_depend_on_how_the_api_root_is_spelled(
    tmp_path: Path, spelling: str
) -> None:
    plain = Journal(tmp_path, "https://api.example.com/marketplace", "app", 1).path
    assert Journal(tmp_path, spelling, "app", 1).path == plain
    assert Journal(tmp_path, "https://api.example.com/other", "app", 1).path != plain


def test_a_content_record_is_recalled_only_for_the_bytes_it_was_recorded_for(
    tmp_path: Path,
) -> None:
    """A rebuilt jar trusts the record of an upload only while Marketplace reports that upload's
    checksum for the artifact; another checksum under the id means the record proves nothing."""
    _journal(tmp_path, []).record_content("art-1", "ab" * 64, {"a/B.class": "0badf00d:12"})
    again = _journal(tmp_path, [])  # read back from the file
    assert again.content("art-1", "ab" * 64) == {"a/B.class": "0badf00d:12"}
    assert again.content("art-1", "cd" * 64) is None
    assert again.content("art-2", "ab" * 64) is None
