"""POST /rest/3/artifacts, POST /rest/3/artifacts/fetch, GET /rest/3/artifacts/{artifactId}.

Uploads stream through the multipart parser into a spool file while being hashed, so memory stays
flat whatever the size; the spool file is deleted once the plugin descriptor has been read.
"""

from __future__ import annotations

import hashlib
import math
import os
import tempfile
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from email.utils import formatdate
from pathlib import Path
from typing import Any

from publisher.sandbox.context import Context
from publisher.sandbox.descriptor import InvalidArtifact, read_details
from publisher.sandbox.envelope import ApiError, api_error, empty
from publisher.sandbox.limits import RateLimited, Upload
from publisher.sandbox.multipart import MultipartError, MultipartReader, boundary_from_content_type
from publisher.sandbox.remote import RemoteFailure, check_uri, open_remote
from publisher.sandbox.wire import BadJson, Request, Response, json_response

CHUNK = 256 * 1024


@dataclass
class Spooled:
    path: Path
    size: int
    checksum: str
    too_large: bool


def rate_limited(ctx: Context, exc: RateLimited) -> ApiError:
    # GUESS: the real status, body and Retry-After of a spacing/budget breach are undocumented.
    settings = ctx.settings
    headers = {}
    if settings.retry_after == "seconds":
        headers["Retry-After"] = exc.retry_after_header
    elif settings.retry_after == "http-date":
        headers["Retry-After"] = formatdate(
            math.ceil(ctx.store.clock() + exc.retry_after), usegmt=True
        )
    if settings.rate_limit_body == "empty":
        return empty(settings.rate_limit_status, headers)
    return api_error(
        settings.rate_limit_status, "RATE_LIMITED", "Rate limit exceeded", exc.detail, headers
    )


def _bad_request(title: str, detail: str) -> ApiError:
    return api_error(400, "VALIDATION_ERROR", title, detail)


def _too_large(ctx: Context) -> ApiError:
    limit_mb = ctx.settings.max_artifact_bytes / 1_000_000
    return api_error(
        413,
        "PAYLOAD_TOO_LARGE",
        "Payload too large",
        f"Artifact file exceeds the maximum size of {limit_mb:g} MB",
    )


def spool(ctx: Context, chunks: Iterable[bytes]) -> Spooled:
    """Write chunks to a spool file, hashing; past the size limit, keep reading but discard."""
    digest = hashlib.sha512()
    size = 0
    too_large = False
    fd, name = tempfile.mkstemp(dir=ctx.workdir, prefix="artifact-")
    try:
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks:
                size += len(chunk)
                if too_large:
                    continue
                if size > ctx.settings.max_artifact_bytes:
                    too_large = True  # stop storing; the rest is read and dropped
                    continue
                digest.update(chunk)
                handle.write(chunk)
    except BaseException:
        os.unlink(name)
        raise
    return Spooled(Path(name), size, f"sha512:{digest.hexdigest()}", too_large)


def _begin(ctx: Context, req: Request, kind: str, expected: int | None) -> Upload | None:
    if kind == "fetch" and not ctx.settings.spacing_applies_to_fetch:
        return None
    assert req.account is not None
    try:
        return ctx.store.ledger.begin(req.account, kind, expected)
    except RateLimited as exc:
        req.outcome = "rate-limited"
        raise rate_limited(ctx, exc) from None


def _finish(ctx: Context, upload: Upload | None, received: int, outcome: str) -> None:
    if upload is not None:
        ctx.store.ledger.finish(upload, received, outcome)


def _store(ctx: Context, req: Request, spooled: Spooled, name: str, remote: str | None) -> Response:
    try:
        details = read_details(spooled.path, ctx.settings.max_artifact_bytes)
    except InvalidArtifact as exc:
        raise _bad_request("Invalid artifact file", str(exc)) from None
    artifact_id = str(uuid.uuid4())
    stored = ctx.workdir / f"stored-{artifact_id}"
    os.replace(spooled.path, stored)  # kept for GET .../download; the sandbox's workdir goes
    record: dict[str, Any] = {
        "id": artifact_id,
        "owner": req.account,
        "kind": "fetch" if remote else "upload",
        "logicalFileName": name,
        "size": spooled.size,
        "checksum": spooled.checksum,
        "key": details.get("key"),
        "version": details.get("version"),
        "name": details.get("name"),
        "details": details,
        "remote": remote,
        "stored": str(stored),
        "createdAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    with ctx.store.lock:
        ctx.store.artifacts[artifact_id] = record
    return json_response(200, artifact_document(record))


def artifact_document(record: dict[str, Any]) -> dict[str, Any]:
    self_href = f"/rest/3/artifacts/{record['id']}"
    links: dict[str, Any] = {
        "self": {"href": self_href},
        "binary": {"href": f"{self_href}/download"},
    }
    if record.get("remote"):
        links["remote"] = {"href": record["remote"]}
    return {
        "fileInfo": {
            "logicalFileName": record["logicalFileName"],
            "size": record["size"],
            "checksum": record["checksum"],
        },
        "details": dict(record["details"]),
        "_links": links,
    }


def upload(ctx: Context, req: Request) -> Response:
    length = req.headers.get("Content-Length")
    expected = int(length) if length and length.isdigit() else None
    ticket = _begin(ctx, req, "upload", expected)  # spacing is checked before reading the body
    received, outcome = 0, "aborted"
    try:
        boundary = boundary_from_content_type(req.headers.get("Content-Type"))
        if boundary is None:
            outcome = "rejected"
            raise _bad_request(
                "Invalid artifact file",
                "Invalid value for file. The request must be multipart/form-data with a file part",
            )
        try:
            spooled, name = _receive(ctx, req, boundary)
        except ApiError:
            outcome = "rejected"
            raise  # a BodyError (the client went away) leaves the outcome "aborted"
        received = spooled.size
        outcome = "too-large" if spooled.too_large else "rejected"
        try:
            if spooled.too_large:
                raise _too_large(ctx)
            response = _store(ctx, req, spooled, name, None)
            outcome = "ok"
            return response
        finally:
            spooled.path.unlink(missing_ok=True)
    finally:
        _finish(ctx, ticket, received, outcome)


def _receive(ctx: Context, req: Request, boundary: bytes) -> tuple[Spooled, str]:
    spooled: Spooled | None = None
    name = "artifact"
    try:
        for part in MultipartReader(req.body.read, boundary, CHUNK):
            if part.name == "file" and spooled is None:
                name = os.path.basename(part.filename or "") or "artifact"
                spooled = spool(ctx, part.chunks())
                req.summary = {"file": name, "bytes": spooled.size}
    except MultipartError as exc:
        if spooled is not None:
            spooled.path.unlink(missing_ok=True)
        raise _bad_request("Invalid artifact file", f"Malformed multipart body: {exc}") from None
    if spooled is None:
        raise _bad_request(
            "Invalid artifact file", "Invalid value for file. Required field is missing"
        )
    return spooled, name


def fetch(ctx: Context, req: Request) -> Response:
    try:
        body = req.read_json()
    except BadJson as exc:
        raise _bad_request("Invalid request", str(exc)) from None
    uri = body.get("uri") if isinstance(body, dict) else None
    if not isinstance(uri, str) or not uri.strip():
        raise _bad_request("Invalid URL", "Invalid value for uri. Required field is missing")
    try:
        check_uri(uri)
    except RemoteFailure as exc:
        raise exc.error() from None
    ticket = _begin(ctx, req, "fetch", None)
    received, outcome = 0, "aborted"
    try:
        spooled, name = _download(ctx, uri)
        received = spooled.size
        outcome = "too-large" if spooled.too_large else "rejected"
        try:
            if spooled.too_large:
                raise _too_large(ctx)
            response = _store(ctx, req, spooled, name, uri.strip())
            outcome = "ok"
            return response
        finally:
            spooled.path.unlink(missing_ok=True)
    except RemoteFailure as exc:
        outcome = "too-large" if exc.status == 413 else "rejected"
        raise exc.error() from None
    finally:
        _finish(ctx, ticket, received, outcome)


def _download(ctx: Context, uri: str) -> tuple[Spooled, str]:
    limit = ctx.settings.max_artifact_bytes
    with open_remote(uri, ctx.settings.fetch_timeout, limit) as remote:
        return spool(ctx, remote.chunks(CHUNK, limit)), remote.file_name


def get(ctx: Context, req: Request) -> Response:
    return json_response(200, artifact_document(_owned(ctx, req)))


def download(ctx: Context, req: Request) -> Response:
    """GET /rest/3/artifacts/{artifactId}/download: the stored bytes, streamed from disk.
    GUESS: whether the real one needs auth or redirects elsewhere is undocumented."""
    record = _owned(ctx, req)
    req.summary = {"bytes": record["size"]}
    headers = {"Content-Type": "application/java-archive"}
    return Response(200, b"", headers, file=Path(record["stored"]))


def _owned(ctx: Context, req: Request) -> dict[str, Any]:
    artifact_id = req.params["artifactId"]
    try:
        uuid.UUID(artifact_id)
    except ValueError:
        raise _bad_request(
            "Invalid artifact ID", "The provided artifact ID is not a valid UUID format"
        ) from None
    with ctx.store.lock:
        record = ctx.store.artifacts.get(artifact_id.lower())
        if record is None:
            raise api_error(
                404,
                "ARTIFACT_NOT_FOUND",
                "Artifact not found",
                "No artifact found with the specified ID",
            )
        if record["owner"] != req.account:
            raise empty(403)  # another account's artifact: declared "403 Forbidden", no body
        return record
