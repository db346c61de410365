"""Resume records: what a run completed, so the next one after a crash does not repeat it.

One small JSON file per (API root, app, build) in the state directory. It holds ids and content
hashes, never credentials. It is a hint, not the truth: every record is checked against live
Marketplace state before it is trusted.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from publisher.statedir import locked, read_json, write_json


class Journal:
    def __init__(self, directory: Path, api_url: str, app: str, build: int) -> None:
        name = hashlib.sha256(f"{api_url}|{app}|{build}".encode()).hexdigest()[:24]
        self.path = directory / "journal" / f"{name}.json"
        self._data = read_json(self.path)

    def refresh(self) -> None:
        """Re-read the file: another run on this machine may have recorded an upload since."""
        self._data = read_json(self.path)

    def artifact(self, sha512: str) -> str | None:
        """The id of an artifact with this content uploaded earlier, if recorded."""
        found = self._data.get("artifacts", {}).get(sha512)
        return found if isinstance(found, str) else None

    def has_artifacts(self) -> bool:
        return bool(self._data.get("artifacts"))

    def image(self, sha512: str, image_type: str) -> str | None:
        found = self._data.get("images", {}).get(f"{image_type}:{sha512}")
        return found if isinstance(found, str) else None

    def step(self, key: str) -> dict[str, Any] | None:
        found = self._data.get("steps", {}).get(key)
        return found if isinstance(found, dict) else None

    def record_artifact(self, sha512: str, artifact_id: str) -> None:
        self._update("artifacts", sha512, artifact_id)

    def record_image(self, sha512: str, image_type: str, image_id: str) -> None:
        self._update("images", f"{image_type}:{sha512}", image_id)

    def record_step(self, key: str, content_hash: str, result: str) -> None:
        self._update("steps", key, {"hash": content_hash, "result": result})

    def _update(self, section: str, key: str, value: Any) -> None:
        with locked(self.path):
            data = read_json(self.path)  # another run may have written since we read
            data.setdefault(section, {})[key] = value
            write_json(self.path, data)
            self._data = data


def content_hash(document: Any) -> str:
    import json

    return hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()[:16]
