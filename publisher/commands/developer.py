"""Which developer space: MPAC_DEVELOPER_ID (a UUID), or MPAC_VENDOR_ID (a number) resolved
through /developer-space/vendor/{vendorId}. Mixing the two up is the most common cause of the
400/403 answers vendors see live, so each is checked for the other's shape first."""

from __future__ import annotations

import re
from collections.abc import Mapping

from publisher.errors import RejectedError, UsageError
from publisher.marketplace.client import Marketplace
from publisher.marketplace.retry import RetryPolicy

_UUID = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
ADVICE = (
    "MPAC_DEVELOPER_ID is the developer space's UUID (e.g. 3f2a...-...); MPAC_VENDOR_ID is the "
    "numeric vendor id shown in the vendor portal's URL; set one of them"
)


def developer_id(env: Mapping[str, str], client: Marketplace, policy: RetryPolicy) -> str:
    given = env.get("MPAC_DEVELOPER_ID", "").strip()
    vendor = env.get("MPAC_VENDOR_ID", "").strip()
    if given.isdigit():
        raise UsageError(
            f"MPAC_DEVELOPER_ID is {given}, a number: that is a vendor id, not a developer id "
            "(mixing them up is what makes Marketplace answer 400/403)",
            advice=f"set MPAC_VENDOR_ID={given} instead (it is resolved to the developer id), "
            "or MPAC_DEVELOPER_ID to the UUID",
        )
    if given:
        if not _UUID.match(given):
            raise UsageError(f"MPAC_DEVELOPER_ID {given!r} is not a UUID", advice=ADVICE)
        return given.lower()
    if _UUID.match(vendor):
        raise UsageError(
            f"MPAC_VENDOR_ID is {vendor}, a UUID: that is a developer id, not a vendor id",
            advice=f"set MPAC_DEVELOPER_ID={vendor} instead",
        )
    if not vendor:
        raise UsageError(
            "no developer space: neither MPAC_DEVELOPER_ID nor MPAC_VENDOR_ID is set", advice=ADVICE
        )
    if not vendor.isdigit():
        raise UsageError(f"MPAC_VENDOR_ID {vendor!r} is not a number", advice=ADVICE)
    found = policy.read("find developer id", lambda: client.developer_id_of_vendor(vendor))
    if found is None:
        raise RejectedError(
            f"Marketplace knows no vendor {vendor}",
            advice="check MPAC_VENDOR_ID (the number in your vendor portal's URL)",
        )
    return found
