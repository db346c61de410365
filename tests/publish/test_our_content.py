"""This run's jar by content, for the race with another run (publisher.publish.rebuilt): minutes
after validation the local jar may be gone or replaced (a parallel `mvn clean`), so the record
of this run's own upload is preferred, and a local jar that is gone or unusable means "cannot
compare" (None), never an error escaping the run."""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import pytest

from publisher.errors import UsageError
from publisher.files.regular import check
from publisher.publish.compare import sha512_hex
from publisher.publish.rebuilt import (
    compare_content,
    local_content,
    our_content,
    record_uploaded,
    same_content,
)
from publisher.state.journal import Journal

SHA = "sha512:" + "ab" * 64


def _jar(path: Path, class_bytes: bytes = b"\xca\xfe\xba\xbe") -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as jar:
        jar.writestr("com/example/A.class", class_bytes)
    path.write_bytes(buffer.getvalue())
    return path


@pytest.fixture
def journal(tmp_path: Path) -> Journal:
    return Journal(tmp_path / "state", "https://api.example.com", "com.example.app", 1)


def test_a_jar_gone_or_unusable_has_no_content_to_compare(tmp_path: Path) -> None:
    jar = _jar(tmp_path / "app.jar")
    checked = check(jar, tmp_path)
    assert local_content(jar, checked) is not None
    os.replace(_jar(tmp_path / "rebuilt.jar", b"\x00"), jar)  # another file there now
    assert local_content(jar, checked) is None
    jar.unlink()
    assert local_content(jar) is None
    jar.mkdir()  # not a regular file
    assert local_content(jar) is None


def test_nothing_is_asked_of_marketplace_when_ours_cannot_be_read(tmp_path: Path) -> None:
    class Refusing:
        def __getattr__(self, name: str) -> Any:
            raise AssertionError(f"no request is needed ({name})")

    refusing: Any = Refusing()
    details = {"_links": {"binary": {"href": "/rest/3/artifacts/live/download"}}}
    assert compare_content(None, "live", details, refusing, refusing, None) is None


def test_the_record_of_this_runs_upload_is_preferred_to_the_local_jar(
    tmp_path: Path, journal: Journal
) -> None:
    jar = _jar(tmp_path / "app.jar")
    record_uploaded(journal, "ours", jar, SHA, check(jar, tmp_path))
    sent = local_content(jar)
    _jar(jar, b"\x01")  # rebuilt in place with other content after the upload
    assert our_content(journal, "ours", SHA, jar, None) == sent
    jar.unlink()
    assert our_content(journal, "ours", SHA, jar, None) == sent
    assert our_content(journal, "ours", "sha512:" + "cd" * 64, jar, None) is None  # other bytes
    assert our_content(journal, None, SHA, jar, None) is None


def test_an_upload_whose_jar_is_gone_or_replaced_records_no_content(
    tmp_path: Path, journal: Journal
) -> None:
    jar = _jar(tmp_path / "app.jar")
    checked = check(jar, tmp_path)
    os.replace(_jar(tmp_path / "rebuilt.jar", b"\x00"), jar)
    record_uploaded(journal, "ours", jar, SHA, checked)  # what is there now was not sent
    jar.unlink()
    record_uploaded(journal, "ours", jar, SHA, None)
    assert journal.content("ours", str(sha512_hex(SHA))) is None


def test_verify_s_content_check_of_a_local_jar_gone_since_it_was_hashed_is_a_usage_error(
    tmp_path: Path,
) -> None:
    """verify hashes the local jar first and compares content after the download: a jar removed
    in between is exit 2 with what to do, not an unexpected FileNotFoundError (exit 1)."""
    gone = r"cannot read .*gone\.jar to compare it by content"
    with tempfile.TemporaryFile() as spool, pytest.raises(UsageError, match=gone):
        same_content(tmp_path / "gone.jar", spool)
