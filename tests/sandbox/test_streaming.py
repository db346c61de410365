"""A 30 MB upload must stream: neither the sandbox nor the test client holds it in memory."""

from __future__ import annotations

import hashlib
import tracemalloc
from pathlib import Path

from requests_toolbelt import MultipartEncoder

from tests.support.api import Api
from tests.support.artifacts import write_large_jar

SIZE = 30_000_000


def test_30_mb_upload_is_streamed(api: Api, tmp_path: Path) -> None:
    jar = write_large_jar(tmp_path / "big.jar", SIZE)
    digest = hashlib.sha512()
    with jar.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    tracemalloc.start()
    try:
        with jar.open("rb") as handle:
            encoder = MultipartEncoder(
                fields={"file": ("big.jar", handle, "application/java-archive")}
            )
            response = api.post(
                "/rest/3/artifacts", data=encoder, headers={"Content-Type": encoder.content_type}
            )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["fileInfo"]["size"] == jar.stat().st_size
    assert body["fileInfo"]["checksum"] == "sha512:" + digest.hexdigest()
    assert body["details"]["version"] == "9.9.9"
    # Client and server together; a buffered upload would peak above 30 MB.
    assert peak < 8_000_000, f"peak traced memory {peak / 1e6:.1f} MB"
