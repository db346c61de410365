"""The document steps of a publish: per hosting, the version and then its listing, each
created (POST, then read back: a 201 has no body) or brought in line (diff, then
marketplace/revise.py's PUT with its revision), never changing `state` or `approvalStatus`."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from publisher import events as ev
from publisher.concurrency import started
from publisher.config.yamldoc import Path as KeyPath
from publisher.diagnostics import warning
from publisher.errors import PublisherError, VerificationError
from publisher.marketplace.answers import Json
from publisher.marketplace.errors import ApiError
from publisher.marketplace.revise import (
    LISTING_SERVER_FIELDS,
    VERSION_SERVER_FIELDS,
    Change,
    put_revised,
    with_server_fields,
)
from publisher.outcome import DocumentChange
from publisher.publish.artifactguard import keep_same_artifact
from publisher.publish.model import DocumentPlan, HostingPlan
from publisher.publish.payloads import listing_document, version_document
from publisher.publish.plan import listing_plan, version_plan
from publisher.publish.stepbase import StepBase
from publisher.state.journal import content_hash


@dataclass(frozen=True)
class _Document:
    """A version or a listing: how to read, create and update it, and how to diff it."""

    key: str
    title: str
    read: Callable[[], Json | None]
    post: Callable[[], None]
    put: Callable[[Json], None]
    diff: Callable[[Json | None, Json], DocumentPlan]
    server_fields: tuple[str, ...]

    def change(self, desired: Json) -> Change:
        """The PUT body bringing a live document to `desired`, None when it already says it."""

        def body(current: Json) -> Json | None:
            plan = self.diff(current, desired)
            if plan.action != "update":
                return None
            return with_server_fields(plan.desired or {}, current, self.server_fields)

        return body


class DocumentSteps(StepBase):
    # -- version and listing ---------------------------------------------------------------------

    def _hosting(
        self, hosting: HostingPlan, artifact_id: str, image_ids: dict[KeyPath, str]
    ) -> None:
        compat = list(self.plan.compatibilities)
        image_ids = {**image_ids, **dict(hosting.kept_images)}
        desired = version_document(self.release, artifact_id, compat)
        listing_done: list[DocumentChange] = []
        listing_failed: list[PublisherError] = []

        def listing(version_created: bool) -> None:
            try:
                done = self._listing_with_known_images(hosting, image_ids, version_created)
                listing_done.append(done)
            except PublisherError as exc:  # raised once the version's own step is finished
                listing_failed.append(exc)

        # A new version's listing needs only that the version exists: it is created beside the
        # version's read-back instead of after it; its lines are shown after the version's.
        held: list[ev.Event] = []
        beside = (
            partial(self._holding, held, partial(listing, True))
            if self.release.listing is not None
            else None
        )
        try:
            version = self._version(hosting, desired, beside)
        finally:
            for event in held:
                self.emit(event)
        self.result.changes[hosting.hosting] = (version, None)  # kept if the listing fails
        if self.release.listing is not None and not listing_done and not listing_failed:
            listing(False)
        if listing_failed:
            raise listing_failed[0]
        self.result.changes[hosting.hosting] = (version, listing_done[0] if listing_done else None)

    def _listing_with_known_images(
        self, hosting: HostingPlan, image_ids: dict[KeyPath, str], version_created: bool
    ) -> DocumentChange:
        """The listing write; if Marketplace does not know image ids recalled from the journal
        (it lost them: a sandbox restarted), they are forgotten, uploaded again, and re-sent."""
        listing = self.release.listing
        assert listing is not None
        try:
            return self._listing(hosting, listing_document(listing, image_ids), version_created)
        except ApiError as exc:
            recalled = [i for i in self.plan.images if i.reuse_id in image_ids.values()]
            if not recalled or not _unknown_image(exc):
                raise
        self.emit(
            ev.Problem(
                warning(
                    f"Marketplace does not know {len(recalled)} image ids recalled from the "
                    "resume journal (it may have lost them): uploading those images again"
                )
            )
        )
        self.journal.forget_images({str(i.reuse_id) for i in recalled})
        for image in recalled:
            fresh, upload = self._upload_image(image)
            self.result.uploads.append(upload)
            image_ids.update({key: fresh for key in image.keys})
        return self._listing(hosting, listing_document(listing, image_ids), version_created)

    def _version(
        self, hosting: HostingPlan, desired: Json, beside: Callable[[], None] | None
    ) -> DocumentChange:
        app_id, build = hosting.app_software_id, self.release.build

        def wanted(live: Json) -> Json:  # another run may have created it with its own upload
            return keep_same_artifact(
                self.release,
                hosting.hosting,
                live,
                desired,
                self._artifact_sha512,
                self._artifact_details,
                self.replace_artifact,
            )

        document = _Document(
            f"version:{hosting.hosting}",
            f"{hosting.hosting} version {self.release.version}",
            partial(self.client.get_version, app_id, build),
            partial(self.client.create_version, app_id, desired),
            partial(self.client.update_version, app_id, build),
            lambda live, _desired: version_plan(live, wanted(live) if live else desired),
            VERSION_SERVER_FIELDS,
        )
        live = hosting.version.live if hosting.version.action != "create" else None
        return self._apply(document, live, desired, beside)

    def _artifact_details(self, artifact_id: str) -> Json | None:
        """GET /artifacts/{id}, once per id in a run."""
        if artifact_id not in self._artifacts_read:
            read = partial(self.client.get_artifact, artifact_id)
            self._artifacts_read[artifact_id] = self.policy.read("read artifact", read)
        return self._artifacts_read[artifact_id]

    def _listing(
        self, hosting: HostingPlan, desired: Json, version_created: bool
    ) -> DocumentChange:
        app_id, build = hosting.app_software_id, self.release.build

        document = _Document(
            f"listing:{hosting.hosting}",
            f"{hosting.hosting} listing",
            partial(self.client.get_listing, app_id, build),
            partial(self.client.create_listing, app_id, build, desired),
            partial(self.client.update_listing, app_id, build),
            listing_plan,
            LISTING_SERVER_FIELDS,
        )
        live = hosting.listing.live if not version_created else None
        if live is None and not version_created and hosting.listing.action != "create":
            live = self.policy.read("read listing", document.read)
        return self._apply(document, live, desired)

    def _apply(
        self,
        doc: _Document,
        live: Json | None,
        desired: Json,
        beside: Callable[[], None] | None = None,
    ) -> DocumentChange:
        """Create the document, or bring the live one to `desired` (PUT), or leave it. `beside`
        starts once a created document exists, next to its read-back, and is waited for after
        this document's own step is journaled and finished."""
        created = live is None
        waiting: Callable[[], None] = _nothing
        try:
            if live is None:
                self._start(doc.key, f"create {doc.title}")
                live, waiting = self._create(doc.title, doc.post, doc.read, beside)
            change = doc.diff(live, desired)
            if change.action == "update":
                if not created:
                    self._start(doc.key, f"update {doc.title}")
                put_revised(
                    self.policy, self.emit, doc.title, doc.read, doc.change(desired), doc.put, live
                )
            self.journal.record_step(doc.key, content_hash(desired), "done")
            if created or change.action == "update":
                if not created:
                    self._written.append(f"{doc.title} updated")
                self._finish(doc.key, doc.title, "created" if created else "updated")
                action = "create" if created else "update"
            else:
                self._finish(doc.key, doc.title, "unchanged", "skipped")
                action = "unchanged"
        except BaseException:
            with contextlib.suppress(Exception):  # waited for; this failure is the news
                waiting()
            raise
        waiting()
        patch = () if created else change.patch
        return DocumentChange(action, patch, desired if created else None, done=True)

    def _create(
        self,
        title: str,
        post: Callable[[], None],
        read: Callable[[], Json | None],
        beside: Callable[[], None] | None = None,
    ) -> tuple[Json, Callable[[], None]]:
        """POST, then read it back (201 has no body); `beside` starts as soon as the POST
        succeeded, and its waiter is returned. A lost answer is settled by reading first."""

        def exists() -> bool | None:
            return True if read() is not None else None

        self.policy.write(
            f"create {title}", partial(_posted, post), exists, already_done=_already_exists
        )
        self._written.append(f"{title} created")  # from here on, a failure is a partial publish
        waiting = started(beside) if beside is not None else _nothing
        try:
            live = self.policy.read(f"read the new {title}", read)
            if live is None:
                raise VerificationError(f"{title} was created but cannot be read back")
        except BaseException:
            with contextlib.suppress(Exception):
                waiting()
            raise
        return live, waiting


def _already_exists(exc: BaseException) -> bool:
    return isinstance(exc, ApiError) and exc.status in (400, 409) and exc.mentions("already exists")


def _unknown_image(exc: ApiError) -> bool:
    """A 400 about an image id field of the listing (screenshots[0].imageId, heroImage, ...)."""
    fields = (re.sub(r"\[\d+\]|\.\d+(?=\.|$)", "", e.field or "") for e in exc.entries)
    return exc.status == 400 and any(
        f.endswith("imageId") or f.rsplit(".", 1)[-1] in ("heroImage", "thumbnail") for f in fields
    )


def _posted(post: Callable[[], None]) -> bool:
    post()
    return True


def _nothing() -> None:
    return None
