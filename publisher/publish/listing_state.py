"""An existing listing's state is left as it is live: `listing.state` applies when the listing is
created. A yank (PUBLIC -> PRIVATE) must survive the next re-run of that release's tag, so a
publish changes a live state only when the user asks for it (--listing-state release)."""

from __future__ import annotations

from typing import Literal

from publisher.marketplace.answers import Json

ListingStateChoice = Literal["keep", "release"]
LISTING_STATE_CHOICES: tuple[ListingStateChoice, ...] = ("keep", "release")


def for_live_listing(desired: Json, live: Json | None, choice: ListingStateChoice) -> Json:
    """The listing document to lay over `live`: without `state` unless the user chose release."""
    if live is None or choice == "release":
        return desired
    return {k: v for k, v in desired.items() if k != "state"}


def kept_state_note(
    title: str, desired: Json, live: Json | None, choice: ListingStateChoice
) -> str | None:
    """What the plan says when release.yml's state differs from the live one it keeps."""
    if live is None or choice == "release" or "state" not in desired:
        return None
    ours, theirs = str(desired["state"]), str(live.get("state"))
    if ours == theirs:
        return None
    how = (
        "to make it public on purpose, re-run with --listing-state release"
        if ours == "PUBLIC"
        else "to hide it, run `mpac-publisher yank --execute` (or re-run with "
        "--listing-state release)"
    )
    return (
        f"{title} is {theirs} on Marketplace and release.yml says {ours.lower()}: an existing "
        f"listing keeps its live state (listing.state applies when a listing is created); {how}"
    )
