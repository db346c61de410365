"""Executing a plan, step by step: images, the artifact (within the upload limits), then per
hosting the version and its listing. Every step emits events; nothing here prints."""

from __future__ import annotations

import contextlib
import math
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

from publisher import answers
from publisher import events as ev
from publisher.answers import conform
from publisher.apierrors import ApiError
from publisher.artifactguard import keep_same_artifact
from publisher.checksums import same_sha512
from publisher.concurrency import side_by_side, started
from publisher.config.yamldoc import Path as KeyPath
from publisher.diagnostics import error, warning
from publisher.errors import PartialPublishError, PublisherError, RateLimitError, VerificationError
from publisher.journal import Journal, content_hash
from publisher.ledger import MAX_ARTIFACT_BYTES, UploadLedger
from publisher.marketplace import Json, Marketplace
from publisher.outcome import DocumentChange, Upload
from publisher.payloads import listing_document, version_document
from publisher.plan import (
    ArtifactPlan,
    DocumentPlan,
    HostingPlan,
    ImagePlan,
    Plan,
    Planner,
    listing_plan,
    version_plan,
)
from publisher.retry import RetryPolicy
from publisher.uploads import (
    IMAGE_BY_CONTENT,
    Sent,
    artifact_content_type,
    data_center_refusal,
    send_file,
)
from publisher.words import plural


@dataclass(frozen=True)
class _Document:
    """A version or a listing: how to read, create and update it, and how to diff it."""

    key: str
    title: str
    read: Callable[[], Json | None]
    post: Callable[[], None]
    put: Callable[[Json], None]
    diff: Callable[[Json | None, Json], DocumentPlan]


@dataclass
class Execution:
    uploads: list[Upload] = field(default_factory=list)
    changes: dict[str, tuple[DocumentChange | None, DocumentChange | None]] = field(
        default_factory=dict
    )
    artifact_id: str | None = None
    waited: float = 0.0


def budget_problem(plan: Plan, ledger: UploadLedger) -> str | None:
    """Why the artifact cannot be uploaded now (size or the 2-hour budget), or None."""
    size = plan.artifact.size
    if plan.artifact.action != "upload" or size is None:
        return None
    if size > MAX_ARTIFACT_BYTES:
        return f"{plan.artifact.source} is {size} bytes; Marketplace accepts at most 250 MB"
    frees = ledger.frees_at(size)
    if frees is None:
        return None
    if not math.isfinite(frees):  # larger than the whole budget: it never frees
        return f"{plan.artifact.source} is {size} bytes, more than the whole upload budget"
    used = ledger.used()
    when = datetime.fromtimestamp(frees).astimezone().strftime("%H:%M:%S %Z")
    return (
        f"uploading {size} bytes would exceed Marketplace's ~750 MB per 2 hours "
        f"({used} bytes already uploaded from this machine); the budget frees at {when}"
    )


class Executor:
    def __init__(
        self,
        plan: Plan,
        client: Marketplace,
        policy: RetryPolicy,
        ledger: UploadLedger,
        journal: Journal,
        emit: ev.Emit,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        replace_artifact: bool = False,
    ) -> None:
        self.plan = plan
        self.replace_artifact = replace_artifact
        self._artifact_sha512: str | None = plan.artifact.sha512  # set by the upload, if any
        self._artifacts_read: dict[str, Json | None] = {}
        self.release = plan.release
        self.client = client
        self.policy = policy
        self.ledger = ledger
        self.journal = journal
        self._sink = emit
        self._held = threading.local()  # a helper thread's events, held to be shown in order
        self.clock = clock
        self.sleep = sleep
        self.result = Execution()
        self._written: list[str] = []  # user-visible writes done (versions, listings)
        self._open: dict[str, str] = {}  # steps started and not finished yet (key -> title)

    def run(self) -> Execution:
        try:
            return self._run()
        except PublisherError:
            for key, title in list(self._open.items()):  # the steps that failed are marked so
                self.emit(ev.StepFinished(key, title, "failed"))
            raise

    def _run(self) -> Execution:
        problem = budget_problem(self.plan, self.ledger)
        if problem:
            raise RateLimitError(problem, advice="re-run after that time; nothing was uploaded")
        if self.plan.artifact.action != "reuse":
            wait = self.ledger.wait_needed()
            if wait > 0 and self.plan.images:
                self.emit(
                    ev.Info(f"next artifact upload allowed in {wait:.1f} s: uploading images first")
                )
        # The images go up beside the artifact (they need nothing of each other); both are
        # waited for before any version is written.
        images = started(self._images)
        try:
            artifact_id = self._artifact()
        except BaseException:
            with contextlib.suppress(Exception):  # waited for; the artifact's failure is the news
                images()
            raise
        image_ids = images()
        self.result.artifact_id = artifact_id
        # The hostings are independent app software: their versions and listings side by side.
        outcomes = side_by_side(
            [partial(self._settled, h, artifact_id, image_ids) for h in self.plan.hostings]
        )
        for exc in outcomes:
            if exc is None:
                continue
            done = self._written + [f"{w}: may have happened" for w in self.policy.unsettled]
            if not done:
                raise exc
            raise PartialPublishError(
                f"{'; '.join(done)}; then {exc.message}",
                advice="re-run the same command to finish: completed steps are not repeated",
                diagnostics=exc.diagnostics,
            ) from exc
        return self.result

    def _settled(
        self, hosting: HostingPlan, artifact_id: str, image_ids: dict[KeyPath, str]
    ) -> PublisherError | None:
        """One hosting's version and listing; its failure is returned, to be raised in order."""
        try:
            self._hosting(hosting, artifact_id, image_ids)
        except PublisherError as exc:
            return exc
        return None

    # -- images ----------------------------------------------------------------------------------

    def _images(self) -> dict[KeyPath, str]:
        ids: dict[KeyPath, str] = {}
        if not self.plan.images:
            return ids
        fresh = [i for i in self.plan.images if i.reuse_id is None and not i.kept]
        if fresh:
            self._start("images", f"upload {plural(len(fresh), 'listing image')}")
        # Side by side: they need nothing of each other (publisher.concurrency).
        sent = side_by_side([partial(self._upload_image, i) for i in fresh])
        uploaded = dict(zip(fresh, sent, strict=True))
        for image in self.plan.images:
            if image.kept:  # each hosting keeps its live image (HostingPlan.kept_images)
                self.result.uploads.append(_reused(image, None))
                continue
            if image in uploaded:
                image_id, upload = uploaded[image]
                self.result.uploads.append(upload)  # in release.yml's order, not finishing order
            else:
                assert image.reuse_id is not None
                image_id = image.reuse_id
                self.result.uploads.append(_reused(image, image_id))
            ids.update({key: image_id for key in image.keys})
        kept = len(self.plan.images) - len(fresh)
        detail = f"{kept} more already on Marketplace" if kept else ""
        if fresh:
            self._finish("images", f"{plural(len(fresh), 'listing image')} uploaded", detail)
        else:
            self._finish("images", "listing images", f"{kept} already on Marketplace", "skipped")
        return ids

    def _upload_image(self, image: ImagePlan) -> tuple[str, Upload]:
        endpoint = f"/assets/images/{image.image_type}"
        checked = self.release.checked(image.path)
        # Re-sending an image whose answer was lost only leaves an unused image behind: repeatable.
        sent = self.policy.read(
            f"upload {image.path.name}",
            lambda: send_file(self.client, endpoint, image.path, IMAGE_BY_CONTENT, checked=checked),
        )
        answer = conform(sent.response, answers.IMAGE, f"the {endpoint} answer", required=("id",))
        image_id = str(answer["id"])
        if not image_id:
            raise VerificationError(f"Marketplace returned no id for image {image.path.name}")
        self.journal.record_image(image.sha512, image.image_type, image_id)
        upload = Upload(
            "image",
            image.source or str(image.path),
            sent.size,
            sent.sha512,
            image_id,
            image.image_type,
        )
        return image_id, upload

    # -- artifact --------------------------------------------------------------------------------

    def _artifact(self) -> str:
        artifact = self.plan.artifact
        if artifact.action == "reuse":
            return self._reuse(artifact)
        verb = "fetch" if artifact.action == "fetch" else "upload"
        self._start("artifact", f"{verb} artifact {artifact.source}")
        done = self.policy.read(f"{verb} artifact", partial(self._send_artifact, artifact))
        if isinstance(done, ArtifactPlan):  # another run uploaded it while we waited for the slot
            return self._reuse(done)
        artifact_id, sent = done
        self._artifact_sha512 = sent.sha512 or self._artifact_sha512
        self.result.uploads.append(
            Upload("artifact", artifact.source, sent.size, sent.sha512, artifact_id)
        )
        self._finish("artifact", f"artifact {artifact.source}", f"id {artifact_id}")
        return artifact_id

    def _reuse(self, artifact: ArtifactPlan) -> str:
        assert artifact.reuse_id is not None
        self._finish("artifact", f"artifact {artifact.source}", artifact.reason, "skipped")
        self.result.uploads.append(
            Upload(
                "artifact",
                artifact.source,
                artifact.size,
                artifact.sha512,
                artifact.reuse_id,
                reused=True,
            )
        )
        return artifact.reuse_id

    def _send_artifact(self, artifact: ArtifactPlan) -> ArtifactPlan | tuple[str, Sent]:
        """One attempt, inside the machine-wide upload slot: first re-check whether another run
        uploaded it meanwhile, then wait out the spacing, send, verify and record (in the slot,
        so the next run sees the record). The journal records the artifact before the ledger:
        a ledger problem cannot lose it."""
        with self.ledger.slot() as waited:
            again = self._uploaded_meanwhile(waited)
            if again.action == "reuse":
                return again
            self._wait(self.ledger.wait_needed())
            started = self.clock()
            refused = False
            try:
                sent = self._transfer(artifact)
                artifact_id = self._verify_artifact(artifact, sent)
                key = sent.sha512 if artifact.path else artifact.source
                self.journal.record_artifact(key, artifact_id)
                return artifact_id, sent
            except ApiError as exc:
                refused = exc.status == 429  # the server turned it away: no upload happened
                raise
            finally:
                if not refused:
                    self.ledger.record(started, self.clock(), artifact.size or 0)

    def _uploaded_meanwhile(self, waited: bool) -> ArtifactPlan:
        """The plan's artifact decision made again on fresh state (journal and live versions),
        when another run on this machine may have uploaded since the plan: it held the slot
        (`waited`), or it recorded an artifact in the journal. Otherwise no request is spent: a
        run on another machine is caught when it creates the version ("already exists" is
        verified by reading the version back)."""
        if not self.plan.online:  # nothing live was read to plan it: nothing to re-check
            return self.plan.artifact
        known = self.journal.artifact_records()
        self.journal.refresh()
        if not waited and self.journal.artifact_records() == known:
            return self.plan.artifact
        build = self.release.build
        lives = [
            self.policy.read(
                "re-read version", partial(self.client.get_version, h.app_software_id, build)
            )
            for h in self.plan.hostings
        ]
        planner = Planner(self.release, self.client, self.policy, self.journal)
        return planner.artifact_plan([v for v in lives if v])

    def _transfer(self, artifact: ArtifactPlan) -> Sent:
        if artifact.url:
            response = self.client.fetch_artifact(artifact.url)
            info = response.get("fileInfo") or {}
            return Sent(response, str(info.get("checksum", "")), int(info.get("size") or 0))
        assert artifact.path is not None
        return send_file(
            self.client,
            "/artifacts",
            artifact.path,
            artifact_content_type(artifact.path),
            self._progress,
            checked=self.release.checked(artifact.path),
        )

    def _progress(self, done: int, total: int) -> None:
        self.emit(ev.Progress("artifact", done, total))

    def _verify_artifact(self, artifact: ArtifactPlan, sent: Sent) -> str:
        where = f"the answer to the artifact {'upload' if artifact.path else 'fetch'}"
        response = conform(sent.response, answers.ARTIFACT, where, required=("_links.self.href",))
        href = str(((response.get("_links") or {}).get("self") or {}).get("href") or "")
        artifact_id = href.rstrip("/").rsplit("/", 1)[-1]
        if not artifact_id:
            raise VerificationError("Marketplace's artifact answer has no _links.self.href")
        checksum = (response.get("fileInfo") or {}).get("checksum")
        same = same_sha512(checksum, sent.sha512) if artifact.path is not None else True
        if same is None:
            note = f"Marketplace reported no sha512 checksum for {artifact.source} ({checksum})"
            self.emit(ev.Problem(warning(f"{note}; relying on the plugin key and version it read")))
        if same is False:
            raise VerificationError(
                f"Marketplace stored {artifact.source} with checksum {checksum}, but the file "
                f"sent has {sent.sha512}: the upload was corrupted",
                advice="re-run; if it happens again, check the proxies between you and Marketplace",
            )
        refusal = data_center_refusal(response, self.release.hostings)
        if refusal:  # before any version exists: nothing half-done
            raise VerificationError(
                refusal,
                advice="declare atlassian-data-center-status=compatible in plugin-info, or "
                "remove datacenter from hosting",
                diagnostics=(error(refusal, self.release.locate(("hosting",)), "hosting"),),
            )
        details = response.get("details") or {}
        for field_name, expected, key in (
            ("key", self.release.app, ("app",)),
            ("version", self.release.version, ("version",)),
        ):
            found = details.get(field_name)
            if found is not None and str(found) != expected:
                message = (
                    f"the artifact's plugin {field_name} is {found!r} "
                    f"but release.yml says {expected!r}"
                )
                raise VerificationError(
                    message,
                    advice="build the artifact for this release, or fix release.yml",
                    diagnostics=(error(message, self.release.locate(key), key[0]),),
                )
        return artifact_id

    def _wait(self, seconds: float) -> None:
        """Wait out the upload spacing: a countdown (one event per second), never longer."""
        if seconds <= 0:
            return
        deadline = self.clock() + seconds
        for _ in range(math.ceil(seconds) + 2):  # bounded even if the clock misbehaves
            remaining = deadline - self.clock()
            if remaining <= 0:
                break
            self.emit(
                ev.Waiting("Marketplace allows one artifact upload every 10 s", remaining, seconds)
            )
            self.sleep(min(1.0, remaining))
        self.result.waited += seconds

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

        def put(current: Json) -> None:
            body = version_plan(current, wanted(current)).desired or {}
            state = {"state": current.get("state"), "revision": current.get("revision")}
            self.client.update_version(app_id, build, {**body, **state})  # never change state

        document = _Document(
            f"version:{hosting.hosting}",
            f"{hosting.hosting} version {self.release.version}",
            partial(self.client.get_version, app_id, build),
            partial(self.client.create_version, app_id, desired),
            put,
            lambda live, _desired: version_plan(live, wanted(live) if live else desired),
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

        def put(current: Json) -> None:
            body = listing_plan(current, desired).desired or {}
            keep = {
                "approvalStatus": current.get("approvalStatus"),
                "revision": current.get("revision"),
            }
            self.client.update_listing(app_id, build, {**body, **keep})

        document = _Document(
            f"listing:{hosting.hosting}",
            f"{hosting.hosting} listing",
            partial(self.client.get_listing, app_id, build),
            partial(self.client.create_listing, app_id, build, desired),
            put,
            listing_plan,
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
        runs next to the read-back of a created document."""
        created = live is None
        if live is None:
            self._start(doc.key, f"create {doc.title}")
            live = self._create(doc.title, doc.post, doc.read, beside)
        change = doc.diff(live, desired)
        if change.action == "update":
            if not created:
                self._start(doc.key, f"update {doc.title}")
            self._put(doc.title, live, doc.read, doc.put, doc.diff, desired)
        self.journal.record_step(doc.key, content_hash(desired), "done")
        if created or change.action == "update":
            if not created:
                self._written.append(f"{doc.title} updated")
            self._finish(doc.key, doc.title, "created" if created else "updated")
            action = "create" if created else "update"
        else:
            self._finish(doc.key, doc.title, "unchanged", "skipped")
            action = "unchanged"
        patch = () if created else change.patch
        return DocumentChange(action, patch, desired if created else None, done=True)

    def _create(
        self,
        title: str,
        post: Callable[[], None],
        read: Callable[[], Json | None],
        beside: Callable[[], None] | None = None,
    ) -> Json:
        """POST, then read it back (201 has no body). A lost answer is settled by reading first."""

        def exists() -> bool | None:
            return True if read() is not None else None

        self.policy.write(
            f"create {title}", partial(_posted, post), exists, already_done=_already_exists
        )
        self._written.append(f"{title} created")  # from here on, a failure is a partial publish
        read_back = partial(self.policy.read, f"read the new {title}", read)
        live: Json | None = side_by_side([read_back, beside or (lambda: None)])[0]
        if live is None:
            raise VerificationError(f"{title} was created but cannot be read back")
        return live

    def _put(
        self,
        title: str,
        live: Json,
        read: Callable[[], Json | None],
        put: Callable[[Json], None],
        diff: Callable[[Json | None, Json], DocumentPlan],
        desired: Json,
    ) -> Json:
        """GET -> apply -> PUT with the current revision; one re-read and retry on a stale one."""

        def settled() -> Json | None:
            current = read()
            return (
                current
                if current is not None and diff(current, desired).action == "unchanged"
                else None
            )

        for attempt in (1, 2):
            try:
                self.policy.write(f"update {title}", partial(_put_then, put, live), settled)
                return live
            except ApiError as exc:
                if attempt == 2 or not _revision_mismatch(exc):
                    raise
                self.emit(
                    ev.Retrying(f"update {title}", 1, "revision changed meanwhile: re-read", 0.0)
                )
                fresh = self.policy.read(f"re-read {title}", read)
                if fresh is None:
                    raise
                live = fresh
        raise AssertionError("unreachable")

    # -- events ----------------------------------------------------------------------------------

    def emit(self, event: ev.Event) -> None:
        held = getattr(self._held, "events", None)
        if held is not None:
            held.append(event)
        else:
            self._sink(event)

    def _holding(self, held: list[ev.Event], call: Callable[[], None]) -> None:
        """Run `call` with the events it emits (on this thread) held in `held`."""
        self._held.events = held
        try:
            call()
        finally:
            self._held.events = None

    def _start(self, key: str, title: str) -> None:
        self._open[key] = title
        self.emit(ev.StepStarted(key, title))

    def _finish(self, key: str, title: str, detail: str, outcome: ev.StepOutcome = "done") -> None:
        self._open.pop(key, None)
        self.emit(ev.StepFinished(key, title, outcome, detail))


def _reused(image: ImagePlan, image_id: str | None) -> Upload:
    """An image not sent: recorded in the journal (`image_id`) or kept live (None)."""
    source = image.source or str(image.path)
    return Upload("image", source, image.size, image.sha512, image_id, image.image_type, True)


def _already_exists(exc: BaseException) -> bool:
    return isinstance(exc, ApiError) and exc.status in (400, 409) and exc.mentions("already exists")


def _unknown_image(exc: ApiError) -> bool:
    """A 400 about an image id field of the listing (screenshots[0].imageId, heroImage, ...)."""
    fields = (re.sub(r"\[\d+\]|\.\d+(?=\.|$)", "", e.field or "") for e in exc.entries)
    return exc.status == 400 and any(
        f.endswith("imageId") or f.rsplit(".", 1)[-1] in ("heroImage", "thumbnail") for f in fields
    )


def _revision_mismatch(exc: ApiError) -> bool:
    return exc.status in (400, 409) and (
        "REVISION_MISMATCH" in exc.codes
        or any("revision" in f"{e.detail} {e.title}".lower() for e in exc.entries)
    )


def _posted(post: Callable[[], None]) -> bool:
    post()
    return True


def _put_then(put: Callable[[Json], None], live: Json) -> Json:
    put(live)
    return live
