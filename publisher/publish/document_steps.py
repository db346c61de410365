"""The document steps of a publish: per hosting, the version and then its listing, each
created (POST, then read back: a 201 has no body) or brought in line (diff, then
marketplace/revise.py's PUT with its revision), never changing `state` or `approvalStatus`."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial

from publisher import events as ev
from publisher.concurrency import awaited, started
from publisher.config.yamldoc import Path as KeyPath
from publisher.diagnostics import warning
from publisher.errors import PublisherError, VerificationError
from publisher.marketplace.answers import Json, version_artifact_id
from publisher.marketplace.errors import ApiError
from publisher.marketplace.revise import (
    LISTING_SERVER_FIELDS,
    VERSION_SERVER_FIELDS,
    Change,
    put_revised,
    with_server_fields,
)
from publisher.outcome import DocumentChange
from publisher.publish.artifactguard import OurArtifact, RaceCheck, keep_same_artifact
from publisher.publish.context import StepContext
from publisher.publish.document_plan import listing_plan, version_plan
from publisher.publish.duplicate_versions import refuse_renumbering, renumbers
from publisher.publish.model import DocumentPlan, HostingPlan
from publisher.publish.payloads import listing_document, version_document
from publisher.publish.rebuilt import ContentVerdict, compare_content, our_content
from publisher.publish.upload_steps import UploadSteps
from publisher.state.journal import content_hash, step_key


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
    # Whether a document found instead of created (the create answered "already exists", or its
    # answer was lost) is this run's; another run's is brought in line, not reported as created.
    found_ours: Callable[[Json], bool] = lambda _live: True

    def change(self, desired: Json) -> Change:
        """The PUT body bringing a live document to `desired`, None when it already says it."""

        def body(current: Json) -> Json | None:
            plan = self.diff(current, desired)
            if plan.action != "update":
                return None
            return with_server_fields(plan.desired or {}, current, self.server_fields)

        return body


class DocumentSteps:
    """Per hosting, the version and its listing; `images` re-sends images Marketplace lost."""

    def __init__(self, ctx: StepContext, *, images: UploadSteps) -> None:
        self.ctx = ctx
        self.images = images
        self._artifacts_read: dict[str, Json | None] = {}
        self._contents: dict[str, ContentVerdict | None] = {}  # live artifact id -> verdict
        self._contents_lock = threading.Lock()  # hostings side by side may share an artifact
        self._theirs: set[str] = set()  # hostings whose version another run created meanwhile

    # -- version and listing ---------------------------------------------------------------------

    def hosting(
        self, hosting: HostingPlan, artifact_id: str, image_ids: dict[KeyPath, str]
    ) -> None:
        compat = list(self.ctx.plan.compatibilities)
        image_ids = {**image_ids, **dict(hosting.kept_images)}
        notes = self.ctx.plan.release_notes
        desired = version_document(self.ctx.release, artifact_id, compat, release_notes=notes)
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
            partial(self.ctx.events.holding, held, partial(listing, True))
            if self.ctx.release.listing is not None
            else None
        )
        try:
            version = self._version(hosting, desired, beside)
        finally:
            for event in held:
                self.ctx.events.emit(event)
        self.ctx.result.changes[hosting.hosting] = (version, None)  # kept if the listing fails
        if self.ctx.release.listing is not None and not listing_done and not listing_failed:
            listing(False)
        if listing_failed:
            raise listing_failed[0]
        self.ctx.result.changes[hosting.hosting] = (
            version,
            listing_done[0] if listing_done else None,
        )

    def _listing_with_known_images(
        self, hosting: HostingPlan, image_ids: dict[KeyPath, str], version_created: bool
    ) -> DocumentChange:
        """The listing write; if Marketplace does not know image ids recalled from the journal
        (it lost them: a sandbox restarted), they are forgotten, uploaded again, and re-sent."""
        listing = self.ctx.release.listing
        assert listing is not None
        try:
            return self._listing(hosting, listing_document(listing, image_ids), version_created)
        except ApiError as exc:
            recalled = [i for i in self.ctx.plan.images if i.reuse_id in image_ids.values()]
            if not recalled or not _unknown_image(exc):
                raise
        self.ctx.events.emit(
            ev.Problem(
                warning(
                    f"Marketplace does not know {len(recalled)} image ids recalled from the "
                    "resume journal (it may have lost them): uploading those images again"
                )
            )
        )
        self.ctx.journal.forget_images({str(i.reuse_id) for i in recalled})
        for image in recalled:
            fresh, upload = self.images.upload_image(image)
            self.ctx.result.uploads.append(upload)
            image_ids.update({key: fresh for key in image.keys})
        return self._listing(hosting, listing_document(listing, image_ids), version_created)

    def _version(
        self, hosting: HostingPlan, desired: Json, beside: Callable[[], None] | None
    ) -> DocumentChange:
        app_id, build = hosting.app_software_id, self.ctx.release.build
        our_id = str(version_artifact_id(desired))
        race = RaceCheck(
            self.ctx.release,
            self._our_artifact(our_id),
            self._artifact_details,
            self._content_against,
            self.ctx.replace_artifact,
        )

        def wanted(live: Json) -> Json:  # another run may have created it with its own upload
            found, why = keep_same_artifact(race, hosting.hosting, live, desired)
            if why is not None:
                self._kept_theirs(hosting, live, race.ours, why)
            return found

        document = _Document(
            step_key("version", hosting.hosting),
            f"{hosting.hosting} version {self.ctx.release.version}",
            partial(self._read_version, hosting.hosting, app_id),
            partial(self.ctx.client.create_version, app_id, desired),
            partial(self.ctx.client.update_version, app_id, build),
            lambda live, _desired: version_plan(live, wanted(live) if live else desired),
            VERSION_SERVER_FIELDS,
            # Our create names our upload: a version naming another artifact is another run's.
            lambda live: str(version_artifact_id(live)).lower() == our_id.lower(),
        )
        live = hosting.version.live if hosting.version.action != "create" else None
        change = self._apply(document, live, desired, beside)
        if live is None and change.action != "create":  # so its listing is the other run's too
            self._theirs.add(hosting.hosting)
        # Ours, unless another run's was kept (_kept_theirs named it: it stands even if a later
        # step fails).
        self.ctx.result.version_artifacts.setdefault(hosting.hosting, our_id)
        return change

    def _our_artifact(self, our_id: str) -> OurArtifact:
        """This run's artifact, named as the run came by it (uploaded, fetched or reused)."""
        done = self.ctx.result.artifact_plan or self.ctx.plan.artifact
        sha512 = self.ctx.result.artifact_sha512
        return OurArtifact(done.action, done.source, our_id, sha512, done.reason)

    def _read_version(self, hosting: str, app_id: str) -> Json | None:
        """GET the version; our build live under another number (created meanwhile by another
        run) is refused at once, before anything is laid over it or started beside it."""
        live = self.ctx.client.get_version(app_id, self.ctx.release.build)
        if live is not None and renumbers(live, self.ctx.release):
            raise refuse_renumbering(self.ctx.release, hosting, live, sent_nothing=False)
        return live

    def _kept_theirs(self, hosting: HostingPlan, live: Json, ours: OurArtifact, why: str) -> None:
        """Say, once per hosting, that the version stands on another run's upload, not ours;
        this hosting's result names that artifact (the run's artifact id stays ours)."""
        live_id = str(version_artifact_id(live))
        done = "created" if hosting.version.action == "create" else "changed"
        note = (
            f"{hosting.hosting}: another run {done} version {live.get('versionNumber')} after "
            f"this run's plan, with its own upload: its artifact {live_id} is kept ({why}), not "
            f"swapped; {ours.unused()}"
        )
        with self._contents_lock:
            self.ctx.result.version_artifacts[hosting.hosting] = live_id
            if note in self.ctx.result.notes:
                return
            self.ctx.result.notes.append(note)
        self.ctx.events.emit(ev.Info(note))

    def _content_against(self, live_id: str, details: Json) -> ContentVerdict | None:
        """Our jar against a live artifact by content (publish/rebuilt.py), once per id. Our
        side is the record of this run's upload when there is one: minutes after validation,
        the local jar may be gone or rebuilt (a parallel `mvn clean`)."""
        path = self.ctx.release.artifact.path
        if path is None:  # Marketplace fetched our artifact from a URL: no local jar
            return None
        ctx = self.ctx
        with self._contents_lock:
            if live_id not in self._contents:
                ours = our_content(
                    ctx.journal,
                    ctx.result.artifact_id,
                    ctx.result.artifact_sha512,
                    path,
                    ctx.release.checked(path),
                )
                self._contents[live_id] = compare_content(
                    ours, live_id, details, ctx.client, ctx.policy, ctx.journal
                )
            return self._contents[live_id]

    def _artifact_details(self, artifact_id: str) -> Json | None:
        """GET /artifacts/{id}, once per id in a run."""
        if artifact_id not in self._artifacts_read:
            read = partial(self.ctx.client.get_artifact, artifact_id)
            self._artifacts_read[artifact_id] = self.ctx.policy.read("read artifact", read)
        return self._artifacts_read[artifact_id]

    def _listing(
        self, hosting: HostingPlan, desired: Json, version_created: bool
    ) -> DocumentChange:
        app_id, build = hosting.app_software_id, self.ctx.release.build

        document = _Document(
            step_key("listing", hosting.hosting),
            f"{hosting.hosting} listing",
            partial(self.ctx.client.get_listing, app_id, build),
            partial(self.ctx.client.create_listing, app_id, build, desired),
            partial(self.ctx.client.update_listing, app_id, build),
            partial(listing_plan, state=self.ctx.plan.choices.listing_state),
            LISTING_SERVER_FIELDS,
            lambda _live: hosting.hosting not in self._theirs,
        )
        live = hosting.listing.live if not version_created else None
        if live is None and not version_created and hosting.listing.action != "create":
            live = self.ctx.policy.read("read listing", document.read)
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
        if live is None:
            self.ctx.events.start(doc.key, f"create {doc.title}")
            live, waiting, posted = self._create(doc.title, doc.post, doc.read, beside)
            created = posted or doc.found_ours(live)
            if created and not posted:  # our own create, its answer lost: from here, partial
                self.ctx.result.written.append(f"{doc.title} created")
        with awaited(waiting):
            change = self._bring_in_line(doc, live, desired, created)
        waiting()
        patch = () if created else change.patch
        return DocumentChange(change.action, patch, desired if created else None, done=True)

    def _bring_in_line(
        self, doc: _Document, live: Json, desired: Json, created: bool
    ) -> DocumentPlan:
        """PUT when the live document differs, then journal and finish the step; the returned
        plan's action says what happened (a created document is "create")."""
        change = doc.diff(live, desired)
        if change.action == "update":
            if not created:
                self.ctx.events.start(doc.key, f"update {doc.title}")
            put = doc.change(desired)
            put_revised(
                self.ctx.policy, self.ctx.events.emit, doc.title, doc.read, put, doc.put, live
            )
        self.ctx.journal.record_step(doc.key, content_hash(desired), "done")
        if created:
            self.ctx.events.finish(doc.key, doc.title, "created")
            return replace(change, action="create")
        if change.action == "update":
            self.ctx.result.written.append(f"{doc.title} updated")
            self.ctx.events.finish(doc.key, doc.title, "updated")
            return change
        self.ctx.events.finish(doc.key, doc.title, "unchanged", "skipped")
        return replace(change, action="unchanged")

    def _create(
        self,
        title: str,
        post: Callable[[], None],
        read: Callable[[], Json | None],
        beside: Callable[[], None] | None = None,
    ) -> tuple[Json, Callable[[], None], bool]:
        """POST, then read it back (201 has no body); `beside` starts as soon as the POST
        succeeded, and its waiter is returned, with whether the POST itself answered. A lost
        answer or "already exists" is settled by reading: the document was found."""

        def exists() -> bool | None:
            return False if read() is not None else None  # found, not known to be ours

        posted = self.ctx.policy.write(
            f"create {title}", partial(_posted, post), exists, already_done=_already_exists
        )
        if posted:
            self.ctx.result.written.append(f"{title} created")  # from here, a failure is partial
        # A found document may be another run's: nothing goes beside it before its own check.
        waiting = started(beside) if beside is not None and posted else _nothing
        with awaited(waiting):
            live = self.ctx.policy.read(f"read the new {title}", read)
            if live is None:
                raise VerificationError(f"{title} was created but cannot be read back")
        return live, waiting, posted


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
