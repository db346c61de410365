"""The stand-in cache: `standin.py restore|save` with the inputs in the environment."""

import os
import sys
import tarfile
from pathlib import Path


def _store() -> Path:
    store = Path(os.environ["STANDIN_CACHE_DIR"])
    store.mkdir(parents=True, exist_ok=True)
    return store


def restore(path: Path, key: str, prefixes: list[str], output: Path) -> None:
    entries = {p.name[: -len(".tar")]: p for p in _store().glob("*.tar")}
    found = key if key in entries else None
    if found is None:
        matching = [k for k in entries if any(k.startswith(p) for p in prefixes if p)]
        found = max(matching, key=lambda k: entries[k].stat().st_mtime_ns, default=None)
    if found is None:
        print(f"Cache not found for input keys: {key}")
        return
    path.mkdir(parents=True, exist_ok=True)
    with tarfile.open(entries[found]) as archive:
        # Fully trusted (our own archives), as GNU tar under actions/cache: a cached venv's links
        # to its interpreter are absolute and may be restored over an existing venv.
        archive.extractall(path, filter="fully_trusted")
    print(f"Cache restored from key: {found}")
    with output.open("a") as out:
        out.write(f"cache-hit={'true' if found == key else 'false'}\n")
        out.write(f"cache-matched-key={found}\n")


def save(path: Path, key: str) -> None:
    target = _store() / f"{key}.tar"
    if target.exists():
        print(f"Failed to save: a cache entry with key {key} already exists")
        return
    with tarfile.open(target, "w") as archive:
        archive.add(path, arcname=".")
    print(f"Cache saved with key: {key}")


if __name__ == "__main__":
    where, key = Path(os.environ["CACHE_PATH"]), os.environ["CACHE_KEY"]
    if sys.argv[1] == "restore":
        prefixes = os.environ.get("CACHE_RESTORE_KEYS", "").splitlines()
        restore(where, key, prefixes, Path(os.environ["GITHUB_OUTPUT"]))
    else:
        save(where, key)
