"""send_file against the sandbox: what arrives is the file, the sha512 is of the bytes sent, the
body goes in the connection's large blocks (one progress event each), and a file that shrinks or
grows while it is sent is refused instead of sent short or long."""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterator
from itertools import pairwise
from pathlib import Path

import pytest

from publisher.errors import ConfigError
from publisher.files.hashing import file_sha512
from publisher.marketplace.client import Marketplace
from publisher.marketplace.connection import Connection, Credentials
from publisher.marketplace.session import UPLOAD_BLOCK, Timeouts
from publisher.marketplace.uploads import artifact_content_type, send_file
from publisher.sandbox import Sandbox, SandboxSettings
from tests.support.artifacts import write_large_jar

SIZE = 3 * UPLOAD_BLOCK + 12_345  # several blocks and a short last one


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(settings=SandboxSettings(upload_spacing=0)) as sb:
        yield sb


def _client(sandbox: Sandbox) -> Marketplace:
    user, token = sandbox.credentials
    # A body sent short would leave the sandbox waiting for the rest: fail in seconds, not minutes.
    connection = Connection(sandbox.url, Credentials(user, token))
    return Marketplace(connection, timeouts=Timeouts(upload_read=10))


def _send(
    sandbox: Sandbox, jar: Path, on_progress: Callable[[int, int], None] | None = None
) -> object:
    return send_file(_client(sandbox), "/artifacts", jar, artifact_content_type(jar), on_progress)


def test_the_file_arrives_whole_and_the_sha512_is_of_the_bytes_sent(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    jar = write_large_jar(tmp_path / "app.jar", SIZE)
    sent = send_file(_client(sandbox), "/artifacts", jar, artifact_content_type(jar))
    file_info = sent.response["fileInfo"]
    assert sent.size == jar.stat().st_size == file_info["size"]
    assert sent.sha512 == file_sha512(jar) == file_info["checksum"]
    assert file_info["logicalFileName"] == "app.jar"


def test_the_body_goes_in_large_blocks_one_progress_event_each(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    jar = write_large_jar(tmp_path / "app.jar", SIZE)
    events: list[tuple[int, int]] = []
    send_file(
        _client(sandbox),
        "/artifacts",
        jar,
        artifact_content_type(jar),
        lambda done, total: events.append((done, total)),
    )
    total = events[-1][1]
    assert events[-1] == (total, total)
    steps = [b - a for (a, _), (b, _) in pairwise([(0, total), *events])]
    assert steps[:-1] == [UPLOAD_BLOCK] * (len(steps) - 1)  # one read, one send, one event
    assert 0 < steps[-1] <= UPLOAD_BLOCK
    assert len(events) == math.ceil(total / UPLOAD_BLOCK)


def test_a_file_that_shrinks_while_it_is_sent_is_refused_not_sent_short(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    jar = write_large_jar(tmp_path / "app.jar", SIZE)

    def truncate(done: int, total: int) -> None:
        if done > UPLOAD_BLOCK:
            os.truncate(jar, 2 * UPLOAD_BLOCK)

    with pytest.raises(ConfigError, match="changed while it was being uploaded"):
        _send(sandbox, jar, truncate)
    assert not sandbox.state()["artifacts"]


def test_a_file_that_grows_while_it_is_sent_is_refused(sandbox: Sandbox, tmp_path: Path) -> None:
    jar = write_large_jar(tmp_path / "app.jar", SIZE)
    size = jar.stat().st_size

    def grow(done: int, total: int) -> None:
        if jar.stat().st_size == size:
            with jar.open("ab") as handle:
                handle.write(b"x" * UPLOAD_BLOCK)

    with pytest.raises(ConfigError, match=f"changed while it was being uploaded .* of {size} "):
        _send(sandbox, jar, grow)


def test_a_file_rewritten_in_place_at_the_same_size_while_it_is_sent_is_refused(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    """A rebuild writing the same path at the same size: the sha512 is of the bytes sent, so
    Marketplace's checksum would match a mix of two builds; only the file's times tell."""
    jar = write_large_jar(tmp_path / "app.jar", SIZE)
    size = jar.stat().st_size
    rewritten: list[int] = []

    def rewrite(done: int, total: int) -> None:
        if not rewritten:
            with jar.open("r+b") as handle:  # same length, other bytes, past what was sent
                handle.seek(size // 2)
                rewritten.append(handle.write(b"y" * 100))

    with pytest.raises(ConfigError, match=r"changed while it was being uploaded .*written to"):
        _send(sandbox, jar, rewrite)
    assert rewritten == [100] and jar.stat().st_size == size
