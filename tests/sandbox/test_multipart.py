"""The streaming multipart parser, fed through readers that split the body anywhere."""

from __future__ import annotations

import io
import random

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from requests_toolbelt import MultipartEncoder

from publisher.sandbox.multipart import (
    MAX_HEADER_BYTES,
    MultipartError,
    MultipartReader,
    boundary_from_content_type,
)

BOUNDARY = b"XyZ123boundary"


def encode(parts: list[tuple[str, str | None, bytes]], boundary: bytes = BOUNDARY) -> bytes:
    out = b""
    for name, filename, data in parts:
        disposition = f'form-data; name="{name}"'
        if filename is not None:
            disposition += f'; filename="{filename}"'
        out += b"--" + boundary + b"\r\nContent-Disposition: " + disposition.encode() + b"\r\n\r\n"
        out += data + b"\r\n"
    return out + b"--" + boundary + b"--\r\n"


class Dribble:
    """A reader that returns random small pieces and records the largest request."""

    def __init__(self, data: bytes, seed: int, max_piece: int) -> None:
        self._source = io.BytesIO(data)
        self._random = random.Random(seed)
        self._max_piece = max_piece
        self.largest_request = 0

    def read(self, size: int) -> bytes:
        self.largest_request = max(self.largest_request, size)
        return self._source.read(self._random.randint(1, min(size, self._max_piece)))


def parse(data: bytes, chunk_size: int = 64, seed: int = 0, max_piece: int = 7) -> list[tuple]:
    reader = Dribble(data, seed, max_piece)
    parser = MultipartReader(reader.read, BOUNDARY, chunk_size)
    parts = [(p.name, p.filename, b"".join(p.chunks())) for p in parser]
    assert reader.largest_request <= chunk_size
    assert parser.max_buffered <= chunk_size + MAX_HEADER_BYTES + len(BOUNDARY) + 8
    return parts


# Bytes that look like pieces of a boundary are the interesting ones.
tricky = st.lists(
    st.sampled_from(
        [b"-", b"--", b"\r", b"\n", b"\r\n", b"XyZ", b"XyZ123", BOUNDARY, b"a", b"\x00"]
    ),
    max_size=40,
).map(b"".join)
payload = st.one_of(st.binary(max_size=300), tricky)


@settings(max_examples=200, deadline=None)
@given(
    contents=st.lists(payload, min_size=1, max_size=4),
    chunk_size=st.integers(min_value=1, max_value=100),
    seed=st.integers(min_value=0, max_value=10_000),
)
def test_any_split_gives_the_same_parts(contents: list[bytes], chunk_size: int, seed: int) -> None:
    # A body containing its own delimiter is not multipart (senders pick a boundary that is absent).
    assume(all(b"\r\n--" + BOUNDARY not in data for data in contents))
    parts = [(f"f{i}", f"n{i}.bin", data) for i, data in enumerate(contents)]
    assert parse(encode(parts), chunk_size, seed) == parts


def test_chunks_are_yielded_while_reading() -> None:
    data = b"x" * 100_000
    source = io.BytesIO(encode([("file", "a", data)]))
    parser = MultipartReader(source.read, BOUNDARY, chunk_size=1000)
    part = next(iter(parser))
    sizes = []
    for chunk in part.chunks():
        sizes.append(len(chunk))
        assert source.tell() < len(source.getvalue())  # never read ahead of what it yields
        if len(sizes) == 5:
            break
    assert max(sizes) <= 1000 + len(BOUNDARY) + 4
    assert parser.max_buffered <= 1000 + len(BOUNDARY) + 4


def test_preamble_padding_and_skipped_parts() -> None:
    body = b"preamble\r\n" + encode([("a", None, b"1"), ("file", "x.jar", b"payload")])
    body = body.replace(b"--" + BOUNDARY + b"\r\n", b"--" + BOUNDARY + b"  \r\n", 1)
    parser = MultipartReader(io.BytesIO(body).read, BOUNDARY)
    names = []
    for part in parser:  # the first part is skipped without reading it
        names.append(part.name)
        if part.name == "file":
            assert b"".join(part.chunks()) == b"payload"
    assert names == ["a", "file"]
    assert parser.finished


def test_filename_and_quoted_boundary() -> None:
    encoder = MultipartEncoder(fields={"file": ('we"ird name.jar', io.BytesIO(b"abc"), "x/y")})
    boundary = boundary_from_content_type(encoder.content_type)
    assert boundary is not None
    (part,) = list(MultipartReader(io.BytesIO(encoder.to_string()).read, boundary))
    assert part.content_type == "x/y"
    assert boundary_from_content_type('multipart/form-data; boundary="a b"') == b"a b"


@pytest.mark.parametrize(
    "content_type",
    [None, "", "application/json", "multipart/form-data", "multipart/mixed; boundary=x",
     "multipart/form-data; boundary=" + "x" * 300],
)  # fmt: skip
def test_not_form_data(content_type: str | None) -> None:
    assert boundary_from_content_type(content_type) is None


@pytest.mark.parametrize(
    "body",
    [
        b"no boundary at all",
        b"--" + BOUNDARY + b"\r\nContent-Disposition: form-data; name=a\r\n\r\nunterminated",
        b"--" + BOUNDARY + b"\r\nContent-Disposition: form-data; name=a",
        b"--" + BOUNDARY + b"\r\nbad header line\r\n\r\nx\r\n--" + BOUNDARY + b"--",
        b"--" + BOUNDARY + b"\r\nX: " + b"h" * (MAX_HEADER_BYTES + 10),
        b"--" + BOUNDARY + b"junk\r\n",
    ],
)
def test_malformed_bodies(body: bytes) -> None:
    with pytest.raises(MultipartError):
        for part in MultipartReader(io.BytesIO(body).read, BOUNDARY, chunk_size=16):
            part.drain()
