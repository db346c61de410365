"""The image name sent in the multipart upload has the extension of its content (issue #15.6)."""

from __future__ import annotations

import pytest

from publisher.files.images import upload_name


@pytest.mark.parametrize(
    ("name", "kind", "sent"),
    [
        ("shot.PNG", "png", "shot.png"),
        ("shot.jpeg", "jpeg", "shot.jpg"),
        ("shot", "png", "shot.png"),
        ("shot.png", "jpeg", "shot.jpg"),  # named png, is a JPEG: the content wins
        ("v1.2-shot", "gif", "v1.2-shot.gif"),  # a dot that is not an extension stays
        (".png", "png", ".png.png"),
        ("odd.bin", None, "odd.bin"),  # not an image: left alone (the service says why)
    ],
)
def test_upload_name_takes_the_extension_of_the_content(
    name: str, kind: str | None, sent: str
) -> None:
    assert upload_name(name, kind) == sent
