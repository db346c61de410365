"""`publish --stage`: a new version's listing is created PRIVATE whatever release.yml says, and an
existing listing keeps the state it has, so a re-run after `promote` (or of a staged version)
never turns a listing public or private."""

from __future__ import annotations

import dataclasses

from publisher.config.model import Release
from publisher.errors import UsageError
from publisher.publish.model import DocumentPlan, Plan


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


def staged_plan(plan: Plan) -> Plan:
    """The plan with every update of an existing listing keeping the live state."""
    hostings = tuple(dataclasses.replace(h, listing=_keep_state(h.listing)) for h in plan.hostings)
    return dataclasses.replace(plan, hostings=hostings)


def _keep_state(listing: DocumentPlan) -> DocumentPlan:
    if listing.action != "update" or listing.live is None:
        return listing
    patch = tuple(op for op in listing.patch if op.get("path") != "/state")
    desired = listing.desired
    if desired is not None and "state" in listing.live:
        desired = {**desired, "state": listing.live["state"]}
    return dataclasses.replace(
        listing, action="update" if patch else "unchanged", desired=desired, patch=patch
    )
