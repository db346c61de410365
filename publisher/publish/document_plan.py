"""One document's plan: nothing live -> create; else the live document with ours laid over it and
the JSON Patch from live to that (empty: unchanged). Planning and the create-or-update steps (which
re-plan over what they find live) decide it here, the same way."""

from __future__ import annotations

from collections.abc import Callable

from publisher.marketplace.answers import Json
from publisher.publish.compare import settled_patch
from publisher.publish.listing_state import ListingStateChoice, for_live_listing
from publisher.publish.model import DocumentPlan
from publisher.publish.payloads import (
    comparable_listing,
    comparable_version,
    merged_listing,
    merged_version,
)


def version_plan(live: Json | None, desired: Json) -> DocumentPlan:
    return _document_plan(live, desired, merged_version, comparable_version)


def listing_plan(
    live: Json | None, desired: Json, state: ListingStateChoice = "keep"
) -> DocumentPlan:
    """`desired` is the create body; over a live listing its `state` applies only on request."""
    laid = for_live_listing(desired, live, state)
    return _document_plan(live, laid, merged_listing, comparable_listing)


def _document_plan(
    live: Json | None,
    desired: Json,
    merged_with: Callable[[Json, Json], Json],
    comparable: Callable[[Json], Json],
) -> DocumentPlan:
    """Create when nothing is live; else the live document with ours laid over it, and the
    JSON Patch from live to that (empty: unchanged)."""
    if live is None:
        return DocumentPlan("create", desired=desired)
    merged = merged_with(live, desired)
    patch = tuple(settled_patch(comparable(live), merged))
    return DocumentPlan("update" if patch else "unchanged", live, merged, patch)
