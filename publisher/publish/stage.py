"""`publish --stage`: a new version's listing is created PRIVATE whatever release.yml says. An
existing listing keeps the state it has (the plan's `listing_state` "keep", which `--stage`
insists on), so a re-run after `promote` never turns a listing private again."""

from __future__ import annotations

import dataclasses

from publisher.config.model import Release
from publisher.errors import UsageError


def staged_release(release: Release) -> Release:
    """The release with its listing PRIVATE: what a created listing takes."""
    if release.listing is None:
        raise UsageError(
            "publish --stage needs a listing: section in release.yml",
            advice="add listing: {state: private} (a listing Marketplace makes itself is not ours "
            "to keep private)",
        )
    listing = dataclasses.replace(release.listing, state="private")
    return dataclasses.replace(release, listing=listing)
