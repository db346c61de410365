"""The upload steps of a publish: the listing images, side by side, and the artifact within
Marketplace's limits (one upload at a time on this machine, 10 s apart, ~750 MB per 2 hours),
re-checked inside the upload slot, verified, and journaled before the ledger."""

from __future__ import annotations

import math
from functools import partial

from publisher import events as ev
from publisher.concurrency import side_by_side
from publisher.config.yamldoc import Path as KeyPath
from publisher.diagnostics import error, warning
from publisher.errors import VerificationError
from publisher.marketplace import answers
from publisher.marketplace.answers import (
    artifact_checksum,
    artifact_self_href,
    artifact_size,
    conform,
)
from publisher.marketplace.errors import ApiError
from publisher.marketplace.uploads import IMAGE_BY_CONTENT, Sent, artifact_content_type, send_file
from publisher.outcome import Upload
from publisher.publish.artifactguard import data_center_refusal
from publisher.publish.compare import same_sha512
from publisher.publish.context import StepContext
from publisher.publish.model import ArtifactPlan, ImagePlan
from publisher.publish.plan import Planner
from publisher.publish.rebuilt import record_uploaded
from publisher.words import plural


class UploadSteps:
    """The images and the artifact of one publish; `upload_image` also serves the document
    steps, which re-send images Marketplace lost."""

    def __init__(self, ctx: StepContext) -> None:
        self.ctx = ctx

    # -- images ----------------------------------------------------------------------------------

    def images(self) -> dict[KeyPath, str]:
        ids: dict[KeyPath, str] = {}
        if not self.ctx.plan.images:
            return ids
        fresh = [i for i in self.ctx.plan.images if i.reuse_id is None and not i.kept]
        if fresh:
            self.ctx.events.start("images", f"upload {plural(len(fresh), 'listing image')}")
        # Side by side: they need nothing of each other (publisher.concurrency).
        uploaded: dict[ImagePlan, tuple[str, Upload]] = {}
        try:
            side_by_side([partial(self._upload_into, uploaded, i) for i in fresh])
        except BaseException:  # those sent are journaled; the report names them too
            self.ctx.result.uploads += [uploaded[i][1] for i in fresh if i in uploaded]
            raise
        for image in self.ctx.plan.images:
            if image.kept:  # each hosting keeps its live image (HostingPlan.kept_images)
                self.ctx.result.uploads.append(_reused(image, None))
                continue
            if image in uploaded:
                image_id, upload = uploaded[image]
                self.ctx.result.uploads.append(
                    upload
                )  # in release.yml's order, not finishing order
            else:
                assert image.reuse_id is not None
                image_id = image.reuse_id
                self.ctx.result.uploads.append(_reused(image, image_id))
            ids.update({key: image_id for key in image.keys})
        kept = len(self.ctx.plan.images) - len(fresh)
        detail = f"{kept} more already on Marketplace" if kept else ""
        if fresh:
            self.ctx.events.finish(
                "images", f"{plural(len(fresh), 'listing image')} uploaded", detail
            )
        else:
            self.ctx.events.finish(
                "images", "listing images", f"{kept} already on Marketplace", "skipped"
            )
        return ids

    def _upload_into(self, uploaded: dict[ImagePlan, tuple[str, Upload]], image: ImagePlan) -> None:
        uploaded[image] = self.upload_image(image, "images")  # one key per thread: no lock needed

    def _image_progress(self, image: ImagePlan, step: str, done: int, total: int) -> None:
        key = f"image:{image.source or image.path}"
        self.ctx.events.emit(ev.Progress(key, done, total, image.path.name, step))

    def upload_image(self, image: ImagePlan, step: str = "") -> tuple[str, Upload]:
        """Upload one image; with `step`, its progress is reported as part of that step."""
        endpoint = f"/assets/images/{image.image_type}"
        checked = self.ctx.release.checked(image.path)
        progress = partial(self._image_progress, image, step) if step else None
        # Re-sending an image whose answer was lost only leaves an unused image behind: repeatable.
        sent = self.ctx.policy.read(
            f"upload {image.path.name}",
            lambda: send_file(
                self.ctx.client, endpoint, image.path, IMAGE_BY_CONTENT, progress, checked=checked
            ),
        )
        answer = conform(sent.response, answers.IMAGE, f"the {endpoint} answer", required=("id",))
        image_id = str(answer["id"])
        if not image_id:
            raise VerificationError(f"Marketplace returned no id for image {image.path.name}")
        self.ctx.journal.record_image(image.sha512, image.image_type, image_id)
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

    def artifact(self) -> str:
        artifact = self.ctx.plan.artifact
        if artifact.action == "reuse":
            return self._reuse(artifact)
        verb = "fetch" if artifact.action == "fetch" else "upload"
        self.ctx.events.start("artifact", f"{verb} artifact {artifact.source}")
        done = self.ctx.policy.read(f"{verb} artifact", partial(self._send_artifact, artifact))
        if isinstance(done, ArtifactPlan):  # another run uploaded it while we waited for the slot
            return self._reuse(done)
        artifact_id, sent = done
        self.ctx.result.artifact_plan = artifact
        self.ctx.result.artifact_sha512 = sent.sha512 or self.ctx.result.artifact_sha512
        self.ctx.result.uploads.append(
            Upload("artifact", artifact.source, sent.size, sent.sha512, artifact_id)
        )
        self.ctx.events.finish("artifact", f"artifact {artifact.source}", f"id {artifact_id}")
        return artifact_id

    def _reuse(self, artifact: ArtifactPlan) -> str:
        assert artifact.reuse_id is not None
        self.ctx.result.artifact_plan = artifact
        self.ctx.result.artifact_sha512 = artifact.sha512 or self.ctx.result.artifact_sha512
        self.ctx.events.finish(
            "artifact", f"artifact {artifact.source}", artifact.reason, "skipped"
        )
        self.ctx.result.uploads.append(
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
        with self.ctx.ledger.slot() as waited:
            again = self._uploaded_meanwhile(waited)
            if again.action == "reuse":
                return again
            self._wait(self.ctx.ledger.wait_needed())
            started = self.ctx.clock()
            refused = False
            try:
                sent = self._transfer(artifact)
                artifact_id = self._verify_artifact(artifact, sent)
                key = sent.sha512 if artifact.path else artifact.source
                self.ctx.journal.record_artifact(key, artifact_id)
                if artifact.path is not None:  # what a rebuilt jar will be compared with
                    checked = self.ctx.release.checked(artifact.path)
                    record_uploaded(
                        self.ctx.journal, artifact_id, artifact.path, sent.sha512, checked
                    )
                return artifact_id, sent
            except ApiError as exc:
                refused = exc.status == 429  # the server turned it away: no upload happened
                raise
            finally:
                if not refused:
                    self.ctx.ledger.record(started, self.ctx.clock(), artifact.size or 0)

    def _uploaded_meanwhile(self, waited: bool) -> ArtifactPlan:
        """The plan's artifact decision made again on fresh state (journal and live versions),
        when another run on this machine may have uploaded since the plan: it held the slot
        (`waited`), or it recorded an artifact in the journal. Otherwise no request is spent: a
        run on another machine is caught when it creates the version ("already exists" is
        verified by reading the version back)."""
        if not self.ctx.plan.online:  # nothing live was read to plan it: nothing to re-check
            return self.ctx.plan.artifact
        known = self.ctx.journal.artifact_records()
        self.ctx.journal.refresh()
        if not waited and self.ctx.journal.artifact_records() == known:
            return self.ctx.plan.artifact
        build = self.ctx.release.build
        lives = [
            self.ctx.policy.read(
                "re-read version", partial(self.ctx.client.get_version, h.app_software_id, build)
            )
            for h in self.ctx.plan.hostings
        ]
        planner = Planner(self.ctx.release, self.ctx.client, self.ctx.policy, self.ctx.journal)
        return planner.artifact_plan([v for v in lives if v])

    def _transfer(self, artifact: ArtifactPlan) -> Sent:
        if artifact.url:
            response = self.ctx.client.fetch_artifact(artifact.url)
            checksum = artifact_checksum(response) or ""
            return Sent(response, checksum, artifact_size(response))
        assert artifact.path is not None
        return send_file(
            self.ctx.client,
            "/artifacts",
            artifact.path,
            artifact_content_type(artifact.path),
            self._progress,
            checked=self.ctx.release.checked(artifact.path),
        )

    def _progress(self, done: int, total: int) -> None:
        path = self.ctx.plan.artifact.path
        self.ctx.events.emit(ev.Progress("artifact", done, total, path.name if path else ""))

    def _verify_artifact(self, artifact: ArtifactPlan, sent: Sent) -> str:
        where = f"the answer to the artifact {'upload' if artifact.path else 'fetch'}"
        response = conform(sent.response, answers.ARTIFACT, where, required=("_links.self.href",))
        href = artifact_self_href(response)
        artifact_id = href.rstrip("/").rsplit("/", 1)[-1]
        if not artifact_id:
            raise VerificationError("Marketplace's artifact answer has no _links.self.href")
        checksum = artifact_checksum(response)
        same = same_sha512(checksum, sent.sha512) if artifact.path is not None else True
        if same is None:
            note = f"Marketplace reported no sha512 checksum for {artifact.source} ({checksum})"
            self.ctx.events.emit(
                ev.Problem(warning(f"{note}; relying on the plugin key and version it read"))
            )
        if same is False:
            raise VerificationError(
                f"Marketplace stored {artifact.source} with checksum {checksum}, but the file "
                f"sent has {sent.sha512}: the upload was corrupted",
                advice="re-run; if it happens again, check the proxies between you and Marketplace",
            )
        refusal = data_center_refusal(response, self.ctx.release.hostings)
        if refusal:  # before any version exists: nothing half-done
            raise VerificationError(
                refusal,
                advice="declare atlassian-data-center-status=compatible in plugin-info, or "
                "remove datacenter from hosting",
                diagnostics=(error(refusal, self.ctx.release.locate(("hosting",)), "hosting"),),
            )
        details = response.get("details") or {}
        for field_name, expected, key in (
            ("key", self.ctx.release.app, ("app",)),
            ("version", self.ctx.release.version, ("version",)),
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
                    diagnostics=(error(message, self.ctx.release.locate(key), key[0]),),
                )
        return artifact_id

    def _wait(self, seconds: float) -> None:
        """Wait out the upload spacing: a countdown (one event per second), never longer."""
        if seconds <= 0:
            return
        rule = f"Marketplace allows one artifact upload every {self.ctx.ledger.limits.spacing:g} s"
        deadline = self.ctx.clock() + seconds
        for _ in range(math.ceil(seconds) + 2):  # bounded even if the clock misbehaves
            remaining = deadline - self.ctx.clock()
            if remaining <= 0:
                break
            self.ctx.events.emit(ev.Waiting(rule, remaining, seconds, "artifact"))
            self.ctx.sleep(min(1.0, remaining))
        self.ctx.events.emit(ev.Waiting(rule, 0.0, seconds, "artifact"))  # the wait is over
        self.ctx.result.waited += seconds


def _reused(image: ImagePlan, image_id: str | None) -> Upload:
    """An image not sent: recorded in the journal (`image_id`) or kept live (None)."""
    source = image.source or str(image.path)
    return Upload("image", source, image.size, image.sha512, image_id, image.image_type, True)
