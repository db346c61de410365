"""Resume records: what a run completed, so the next one after a crash does not repeat it.

One small JSON file per (API root, app, build) in the state directory, named by a hash of the three
(`keys.api_root_key` spells the root). Inside, four sections, each keyed here and nowhere else:
`artifacts` by the file's sha512 (a URL Marketplace fetched: by its hash), `images` by `<image
type>:<sha512>`, `contents` by artifact id (the content fingerprint of the jar uploaded, with its
sha512: what a rebuilt jar is compared with, files/jarcontent.py), and `steps` by `step_key`
("version:datacenter", "listing:server"), which is also the step's id in the events. It holds ids
and content hashes, never credentials. It is a hint, not the truth: every record is checked
against live Marketplace state before it is trusted, and a record that cannot be read (invalid
JSON, a section of the wrong type) is treated as absent, with a warning.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from pathlib import Path
from typing import Any, Literal

from publisher.state.directory import JOURNAL_FOLDER, Warn, ignore, read_json, write_json
from publisher.state.keys import api_root_key
from publisher.state.lock import WAIT_UP_TO_AN_HOUR, LockWait, locked

SECTIONS = ("artifacts", "images", "contents", "steps")


def step_key(document: Literal["version", "listing"], hosting: str) -> str:
    """The journal's (and the events') key of one document step of a publish."""
    return f"{document}:{hosting}"


class Journal:
    def __init__(
        self,
        directory: Path,
        api_url: str,
        app: str,
        build: int,
        *,
        warn: Warn = ignore,
        lock_wait: LockWait = WAIT_UP_TO_AN_HOUR,
    ) -> None:
        key = f"{api_root_key(api_url)}|{app}|{build}"
        name = hashlib.sha256(key.encode()).hexdigest()[:24]
        self.directory = directory  # the state directory: nothing below it is followed
        self.path = directory / JOURNAL_FOLDER / f"{name}.json"
        self._lock_wait = lock_wait
        self._warn = warn
        self._warned: set[str] = set()
        self._data = self._read()

    def refresh(self) -> None:
        """Re-read the file: another run on this machine may have recorded an upload since."""
        self._data = read_json(self.path, root=self.directory)

    def artifact_records(self) -> dict[str, Any]:
        """Every artifact recorded (as last read): to tell whether another run added one."""
        return dict(self._section("artifacts"))

    def artifact(self, sha512: str) -> str | None:
        """The id of an artifact with this content uploaded earlier, if recorded."""
        found = self._section("artifacts").get(_artifact_key(sha512))
        return found if isinstance(found, str) else None

    def has_artifacts(self) -> bool:
        return any(isinstance(v, str) for v in self._section("artifacts").values())

    def content(self, artifact_id: str, sha512: str) -> dict[str, Any] | None:
        """The fingerprint recorded for the artifact, if it was recorded for these bytes: a
        record for other bytes (another upload under a reused id) is no proof."""
        found = self._section("contents").get(artifact_id)
        if not isinstance(found, dict) or found.get("sha512") != sha512:
            return None
        entries = found.get("entries")
        return entries if isinstance(entries, dict) else None

    def record_content(self, artifact_id: str, sha512: str, entries: dict[str, str]) -> None:
        self._update("contents", {artifact_id: {"sha512": sha512, "entries": entries}})

    def image(self, sha512: str, image_type: str) -> str | None:
        found = self._section("images").get(f"{image_type}:{sha512}")
        return found if isinstance(found, str) else None

    def step(self, key: str) -> dict[str, Any] | None:
        found = self._section("steps").get(key)
        return found if isinstance(found, dict) else None

    def record_artifact(self, sha512: str, artifact_id: str) -> None:
        self._update("artifacts", {_artifact_key(sha512): artifact_id})

    def record_image(self, sha512: str, image_type: str, image_id: str) -> None:
        self._update("images", {f"{image_type}:{sha512}": image_id})

    def forget_images(self, image_ids: set[str]) -> None:
        """Drop image records Marketplace does not know (e.g. a sandbox that restarted)."""
        with self._locked():
            data = self._read()
            images = _as_section(data, "images")
            data["images"] = {k: v for k, v in images.items() if v not in image_ids}
            write_json(self.path, data, root=self.directory)
            self._data = data

    def record_step(self, key: str, content_hash: str, result: str) -> None:
        self._update("steps", {key: {"hash": content_hash, "result": result}})

    def _update(self, section: str, values: dict[str, Any]) -> None:
        with self._locked():
            data = self._read()  # another run may have written since we read
            data[section] = {**_as_section(data, section), **values}
            write_json(self.path, data, root=self.directory)
            self._data = data

    def _locked(self) -> contextlib.AbstractContextManager[bool]:
        return locked(self.path, self.directory, self._lock_wait)

    def _read(self) -> dict[str, Any]:
        data = read_json(self.path, self._once, root=self.directory)
        for section in SECTIONS:
            if section in data and not isinstance(data[section], dict):
                found = type(data[section]).__name__
                self._once(f"ignoring `{section}` of the resume journal {self.path}: a {found}")
        return data

    def _section(self, name: str) -> dict[str, Any]:
        return _as_section(self._data, name)

    def _once(self, message: str) -> None:
        if message not in self._warned:
            self._warned.add(message)
            self._warn(message + " (treated as absent: completed steps may be redone)")


def _as_section(data: dict[str, Any], name: str) -> dict[str, Any]:
    found = data.get(name)
    return found if isinstance(found, dict) else {}


def _artifact_key(key: str) -> str:
    """A URL artifact is keyed by a hash: its `user:password@` must not reach a file."""
    return "url:" + hashlib.sha256(key.encode()).hexdigest() if "://" in key else key


def content_hash(document: Any) -> str:
    return hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()[:16]
