"""Listing images without the state directory.

Marketplace v3 cannot send an uploaded image back, so whether a live listing image equals the
file in release.yml is only known from the journal (which image file was uploaded as which id).
In CI the state directory is usually thrown away; `--images keep` (the default) then keeps the
live image in each slot when the listing has exactly the same image slots, and `--images upload`
uploads the files again (new ids, same pictures as far as anyone can tell).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from publisher.config.model import Listing
from publisher.config.yamldoc import Path as KeyPath
from publisher.publish.payloads import listing_document, merged_listing

ImagesChoice = Literal["keep", "upload"]
IMAGES_CHOICES: tuple[ImagesChoice, ...] = ("keep", "upload")
Slot = tuple[str | int, ...]  # a JSON path in a listing document
_MARK = "\x00image-slot:"


def image_slots(listing: Mapping[str, Any]) -> dict[Slot, str]:
    """Every image id a listing document uses, by where it stands."""
    slots: dict[Slot, object] = {("heroImage",): listing.get("heroImage")}
    for i, shot in enumerate(_items(listing, "screenshots")):
        slots[("screenshots", i, "imageId")] = shot.get("imageId")
    for i, h in enumerate(_items(listing, "highlights")):
        slots[("highlights", i, "screenshot", "imageId")] = (h.get("screenshot") or {}).get(
            "imageId"
        )
        slots[("highlights", i, "thumbnail")] = h.get("thumbnail")
    for i, step in enumerate(_items(listing, "deploymentInstructions")):
        slots[("deploymentInstructions", i, "screenshot", "imageId")] = (
            step.get("screenshot") or {}
        ).get("imageId")
    return {k: v for k, v in slots.items() if isinstance(v, str) and v}


def live_ids(listing: Listing, live: Mapping[str, Any] | None) -> dict[KeyPath, str] | None:
    """The live image id for each release.yml image key, or None when the slots differ (an image
    added, removed or moved: keeping would put pictures in the wrong places)."""
    if live is None:
        return None
    tokens = {image.key: f"{_MARK}{n}" for n, image in enumerate(listing.images())}
    # What release.yml leaves out keeps its live value (merged_listing), so compare the merge.
    merged = image_slots(merged_listing(dict(live), listing_document(listing, tokens)))
    found = image_slots(live)
    if set(merged) != set(found):
        return None
    key_of = {token: key for key, token in tokens.items()}
    return {key_of[v]: found[slot] for slot, v in merged.items() if v in key_of}


def _items(listing: Mapping[str, Any], name: str) -> list[Mapping[str, Any]]:
    value = listing.get(name)
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []
