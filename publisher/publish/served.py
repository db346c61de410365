"""Is what Marketplace serves what was published? The served bytes' sha512 held against each
record of the release that is at hand: Marketplace's own `fileInfo.checksum`, the local file,
and the receipt `publish --receipt` wrote."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from publisher.publish.compare import sha512_hex


@dataclass(frozen=True)
class Check:
    against: str  # what the served artifact is held against, in the user's words
    expected: str | None  # what that record says (a sha512:<hex>, or an artifact id)
    found: str | None  # what Marketplace serves or answers now
    same: bool

    def to_json(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ("against", "expected", "found", "same")}

    def line(self) -> str:
        if self.same:
            return f"{self.against}: the same ({self.found})"
        return f"{self.against} is {self.expected}, but Marketplace serves {self.found}"


@dataclass(frozen=True)
class Records:
    """What is known of the release besides Marketplace: the local file, the receipt."""

    file: str | None = None  # the path shown
    file_sha512: str | None = None  # hex
    receipt: dict[str, Any] | None = None
    file_path: Path | None = None  # the local file itself, to compare by content


def checks(
    served_sha512: str,
    artifact_id: str,
    marketplace_checksum: str | None,
    records: Records,
    same_content: Callable[[Path], bool] | None = None,
) -> list[Check]:
    """Every comparison the records allow; Marketplace's own checksum always.

    A local jar whose bytes differ is compared by content (`same_content`): a CI rebuild of the
    published sources differs in zip times and volatile lines only, and publish kept the live
    artifact for it. For the same reason a receipt of such a kept rebuild (`artifact.rebuilt`) holds
    a sha512 of bytes never uploaded: its recorded fileInfo.checksum is what was published, and
    that is what is held against Marketplace's checksum (and so the served bytes)."""
    served = f"sha512:{served_sha512}"
    found = [_sha("Marketplace's fileInfo.checksum", marketplace_checksum, served)]
    if records.file_sha512 is not None:
        local_file = _sha(f"the local file {records.file}", records.file_sha512, served)
        path = records.file_path
        if not local_file.same and same_content and path and same_content(path):
            against = f"the local file {records.file}, by content (a rebuild: zip times differ)"
            local_file = Check(against, local_file.expected, served, True)
        found.append(local_file)
    receipt = records.receipt
    if receipt is not None:
        local = receipt["artifact"]["sha512"]
        kept = receipt["artifact"].get("rebuilt") is True  # see the docstring
        if local is not None and not kept:
            found.append(_sha("the receipt's sha512 of the published file", local, served))
        recorded_id = receipt["artifact_id"]
        found.append(
            Check("the receipt's artifact id", recorded_id, artifact_id, recorded_id == artifact_id)
        )
        said = receipt["marketplace_checksum"]
        if said is not None:
            same = sha512_hex(said) == sha512_hex(marketplace_checksum)
            found.append(Check("the receipt's fileInfo.checksum", said, marketplace_checksum, same))
    return found


def _sha(against: str, expected: str | None, served: str) -> Check:
    ours = sha512_hex(expected)  # sha512:<hex>, or the bare hex a receipt holds
    shown = f"sha512:{ours}" if ours else expected
    return Check(against, shown, served, ours is not None and ours == sha512_hex(served))
