"""POST /rest/3/assets/images/{imageType}."""

from __future__ import annotations

import uuid

import pytest

from tests.support.api import Api, check
from tests.support.artifacts import BMP, GIF, JPEG, png_bytes

IMAGES = "/rest/3/assets/images/{imageType}"
TYPES = ["banner", "hero", "icon", "logo", "screenshot", "screenshot-thumbnail", "title-logo"]


@pytest.mark.parametrize("image_type", TYPES)
def test_every_image_type_accepts_a_png(api: Api, image_type: str) -> None:
    data = png_bytes()
    body = check(api.upload(f"/rest/3/assets/images/{image_type}", data, "shot.png"), IMAGES)
    assert body["mediaType"] == "image"
    assert (body["mimeType"], body["name"], body["size"]) == ("image/png", "shot.png", len(data))
    uuid.UUID(body["id"])
    stored = api.sandbox.state()["images"][body["id"]]
    assert (stored["owner"], stored["imageType"]) == ("demo@example.com", image_type)


@pytest.mark.parametrize(
    ("data", "mime"), [(JPEG, "image/jpeg"), (GIF, "image/gif"), (BMP, "image/bmp")]
)
def test_format_is_sniffed_from_content_not_the_name(make_sandbox, data: bytes, mime: str) -> None:  # type: ignore[no-untyped-def]
    api = Api(make_sandbox(image_extension_check="off"))
    body = check(api.upload("/rest/3/assets/images/screenshot", data, "misnamed.png"), IMAGES)
    assert body["mimeType"] == mime


def test_unsupported_format_is_400(api: Api) -> None:
    response = api.upload("/rest/3/assets/images/icon", b"<svg></svg>", "icon.png")
    body = check(response, IMAGES)
    assert response.status_code == 400
    assert body["errors"][0]["status"] == 400  # an integer in this envelope
    assert body["errors"][0]["detail"] == (
        "Invalid value for file. Unsupported image format. "
        "Only .jpg, .png, .gif, and .bmp files are allowed."
    )


def test_too_big_for_the_type_is_400(make_sandbox) -> None:  # type: ignore[no-untyped-def]
    sandbox = make_sandbox(image_max_bytes={"icon": 1000})
    api = Api(sandbox)
    response = api.upload("/rest/3/assets/images/icon", png_bytes(padding=2000), "icon.png")
    body = check(response, IMAGES)
    assert body["errors"][0]["detail"] == (
        "Invalid value for file. File size exceeds maximum limit for this image type"
    )
    # The same file is fine as a screenshot (its default limit is larger).
    check(api.upload("/rest/3/assets/images/screenshot", png_bytes(padding=2000), "s.png"), IMAGES)
    assert len(sandbox.state()["images"]) == 1


def test_unknown_image_type_is_400(api: Api) -> None:
    response = api.upload("/rest/3/assets/images/highlight", png_bytes(), "h.png")
    assert response.status_code == 400
    assert "imageType" in check(response, IMAGES)["errors"][0]["detail"]


def test_missing_file_part_is_400(api: Api) -> None:
    response = api.post("/rest/3/assets/images/icon", files={"image": ("i.png", png_bytes())})
    assert response.status_code == 400
    check(response, IMAGES)
    response = api.post("/rest/3/assets/images/icon", data=png_bytes())
    assert response.status_code == 400
    check(response, IMAGES)


def test_prefixed_image_ids(make_sandbox) -> None:  # type: ignore[no-untyped-def]
    api = Api(make_sandbox(image_id_format="prefixed"))
    body = check(api.upload("/rest/3/assets/images/hero", png_bytes(), "hero.png"), IMAGES)
    assert body["id"].startswith("img-")
