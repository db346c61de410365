"""The release receipt: what was published and what Marketplace holds for it, as one JSON
document (schema: publisher/report/schemas/receipt.json), written atomically, never holding a
credential; read back by `verify`."""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from publisher import __version__
from publisher.errors import PublisherError, UsageError

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator

_COMMIT = re.compile(r"[0-9a-f]{40}([0-9a-f]{24})?")
_COMMIT_VARIABLES = ("GITHUB_SHA", "CI_COMMIT_SHA", "BITBUCKET_COMMIT", "GIT_COMMIT")


class ReceiptError(UsageError):
    """The receipt cannot be written or read (exit 2: the --receipt path is the problem)."""

    title = "receipt"


@dataclass(frozen=True)
class ReceiptHosting:
    hosting: str
    app_software_id: str
    listing_state: str | None


@dataclass(frozen=True)
class LocalArtifact:
    source: str
    size: int | None = None
    sha512: str | None = None  # hex
    sha256: str | None = None  # hex
    rebuilt: bool = False  # other bytes of the live artifact's content: Marketplace kept its own


def receipt_document(
    app: str,
    version: str,
    build: int,
    hostings: Iterable[ReceiptHosting],
    artifact_id: str | None,
    local: LocalArtifact,
    marketplace_checksum: str | None,
    env: Mapping[str, str],
    now: float,
) -> dict[str, Any]:
    return {
        "receipt": 1,
        "app": app,
        "version": version,
        "build": build,
        "hostings": [vars(h).copy() for h in hostings],
        "artifact_id": artifact_id,
        "artifact": vars(local).copy(),
        "marketplace_checksum": marketplace_checksum,
        "git_commit": git_commit(env),
        "ci_run_url": ci_run_url(env),
        "attestation_url": None,
        "tool_version": __version__,
        "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now)),
    }


def git_commit(env: Mapping[str, str]) -> str | None:
    """The commit CI built from (GitHub, GitLab, Bitbucket, Jenkins), if it looks like one."""
    for name in _COMMIT_VARIABLES:
        value = env.get(name, "").strip().lower()
        if _COMMIT.fullmatch(value):
            return value
    return None


def ci_run_url(env: Mapping[str, str]) -> str | None:
    """The CI run's page: GitHub Actions, GitLab, Bitbucket Pipelines or Jenkins."""
    candidates = [env.get("CI_JOB_URL", ""), env.get("BUILD_URL", "")]
    server, repo, run = (
        env.get(k, "") for k in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_RUN_ID")
    )
    if server and repo and run:
        candidates.insert(0, f"{server.rstrip('/')}/{repo}/actions/runs/{run}")
    bitbucket, number = (
        env.get("BITBUCKET_REPO_FULL_NAME", ""),
        env.get("BITBUCKET_BUILD_NUMBER", ""),
    )
    if bitbucket and number:
        candidates.append(f"https://bitbucket.org/{bitbucket}/pipelines/results/{number}")
    for url in candidates:
        url = url.strip()
        if url.startswith(("https://", "http://")) and not any(c.isspace() for c in url):
            return url
    return None


def check_writable(path: Path) -> None:
    """Before anything is sent: the receipt's directory exists and can take a new file."""
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise ReceiptError(
            f"--receipt {path} is a directory", advice="name a file, e.g. receipt.json"
        )
    if not folder.is_dir():
        raise ReceiptError(
            f"--receipt {path}: the directory {folder} does not exist",
            advice="create it first, or name a file in an existing directory",
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ReceiptError(
            f"--receipt {path}: the directory {folder} is not writable",
            advice="name a file in a writable directory",
        )


def write_receipt(path: Path, document: dict[str, Any], secrets: Iterable[str]) -> None:
    """Validated, scanned for every form of the credentials, then atomically replaced."""
    problems = [e.message for e in _validator().iter_errors(document)]
    if problems:
        raise PublisherError(f"the receipt would be invalid: {problems[0]}")  # a bug: exit 1
    text = json.dumps(document, indent=2, sort_keys=True) + "\n"
    if any(secret and secret in text for secret in secrets):
        raise ReceiptError(f"the receipt {path} was not written: it would contain a credential")
    try:
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise _unwritable(path, exc) from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())  # on disk before the name points at it
        os.replace(temporary, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise _unwritable(path, exc) from exc


def read_receipt(path: Path) -> dict[str, Any]:
    """A receipt file, as its schema describes it; anything else is a ReceiptError naming why."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ReceiptError(f"cannot read the receipt {path}: {_reason(exc)}") from None
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise ReceiptError(f"the receipt {path} is not JSON: {exc}") from None
    error = next(iter(sorted(_validator().iter_errors(document), key=str)), None)
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "the document"
        raise ReceiptError(
            f"the receipt {path} is not a receipt: at {where}: {error.message}",
            advice="pass the file `publish --receipt` wrote",
        )
    assert isinstance(document, dict)
    return document


def _validator() -> Draft202012Validator:
    from jsonschema import Draft202012Validator  # only a run that writes or reads a receipt

    text = resources.files("publisher.report").joinpath("schemas/receipt.json").read_text("utf-8")
    return Draft202012Validator(json.loads(text))


def _unwritable(path: Path, exc: OSError) -> ReceiptError:
    return ReceiptError(
        f"the receipt {path} could not be written: {_reason(exc)}",
        advice="the publish itself is done; re-run the same command with a writable --receipt "
        "path: it changes nothing on Marketplace and writes the receipt",
    )


def _reason(exc: Exception) -> str:
    return exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
