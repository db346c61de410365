"""Live state + release.yml -> what to do: uploads, and per hosting a create, update or nothing.

Planning only reads. Without credentials (a dry run) it works offline and shows the request
bodies with placeholders where Marketplace would assign ids.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

from publisher.concurrency import side_by_side
from publisher.config.model import Image, Release
from publisher.config.yamldoc import Path as KeyPath
from publisher.files.hashing import file_sha512
from publisher.marketplace.answers import (
    Json,
    artifact_checksum,
    artifact_remote_href,
    version_artifact_id,
)
from publisher.marketplace.client import Marketplace
from publisher.marketplace.retry import RetryPolicy
from publisher.publish.compare import same_sha512
from publisher.publish.document_plan import listing_plan, version_plan
from publisher.publish.duplicate_versions import (
    needs_check,
    other_builds,
    refuse,
    refuse_renumbering,
    renumbers,
)
from publisher.publish.listing_state import kept_state_note
from publisher.publish.liveimages import live_ids
from publisher.publish.model import (
    ARTIFACT_PLACEHOLDER,
    ArtifactPlan,
    DocumentPlan,
    HostingPlan,
    ImagePlan,
    Plan,
    PlanChoices,
    placeholder,
)
from publisher.publish.notes import release_notes
from publisher.publish.payloads import (
    ResolvedCompatibility,
    listing_document,
    version_document,
)
from publisher.publish.rebuilt import compare_content, local_content
from publisher.publish.resolve import Resolver
from publisher.state.journal import Journal, step_key
from publisher.words import plural


class Planner:
    def __init__(
        self,
        release: Release,
        client: Marketplace | None,
        policy: RetryPolicy,
        journal: Journal | None,
        choices: PlanChoices = PlanChoices(),
    ) -> None:
        self.release = release
        self.client = client
        self.policy = policy
        self.journal = journal
        self.choices = choices

    def plan(self) -> Plan:
        images = self._images()
        rendered = release_notes(self.release.changelog)  # once per run: every use reads the plan
        if self.client is None:
            return self._offline(images, rendered)
        names = Resolver(self.release, self.client, self.policy)
        hostings_ = self.release.hostings
        # Round 1: the product versions, and per hosting its app software and then its version.
        compat, *found = side_by_side(
            [names.compatibilities, *(partial(self._find, names, h) for h in hostings_)]
        )
        ids = {h: app_id for h, (app_id, _, _) in zip(hostings_, found, strict=True)}
        lives = {h: live for h, (_, live, _) in zip(hostings_, found, strict=True)}
        listed = {h: builds for h, (_, _, builds) in zip(hostings_, found, strict=True)}
        self._refuse_renumbering(lives)  # before any other read: a forgotten build bump
        # Round 2: the duplicate-number check and the artifact check beside each existing
        # version's listing (they need nothing of each other).
        _, artifact, *listings_found = side_by_side(
            [
                partial(self._check_duplicates, ids, lives, listed),
                partial(self.artifact_plan, [v for v in lives.values() if v]),
                *(partial(self._live_listing, ids[h], lives[h]) for h in hostings_),
            ]
        )
        artifact_id = artifact.reuse_id or ARTIFACT_PLACEHOLDER
        live_listings = dict(zip(hostings_, listings_found, strict=True))
        images, kept, notes = self._keep_images(images, live_listings)
        image_ids = {k: i.reuse_id or placeholder(i) for i in images for k in i.keys}
        hostings = []
        for hosting, app_id in ids.items():
            desired = version_document(self.release, artifact_id, compat, release_notes=rendered)
            version = version_plan(lives[hosting], desired)
            listing, said = self._listing(hosting, live_listings[hosting], image_ids, kept)
            notes += said
            hostings.append(
                HostingPlan(hosting, app_id, version, listing, tuple(kept[hosting].items()))
            )
        plan = Plan(
            self.release,
            True,
            artifact,
            images,
            tuple(compat),
            tuple(hostings),
            notes,
            release_notes=rendered,
        )
        return replace(plan, choices=self.choices)  # the executor honours them too

    def _refuse_renumbering(self, lives: dict[str, Json | None]) -> None:
        for hosting, live in lives.items():
            if live is not None and renumbers(live, self.release):
                raise refuse_renumbering(self.release, hosting, live)

    def _listing(
        self,
        hosting: str,
        live: Json | None,
        image_ids: dict[KeyPath, str],
        kept: dict[str, dict[KeyPath, str]],
    ) -> tuple[DocumentPlan, tuple[str, ...]]:
        """The listing's plan, and a note when its live state is kept against release.yml."""
        if self.release.listing is None:
            return DocumentPlan("skip"), ()
        desired = listing_document(self.release.listing, {**image_ids, **kept[hosting]})
        choice = self.choices.listing_state
        title = f"the {hosting} listing of build {self.release.build}"
        note = kept_state_note(title, desired, live, choice)
        return listing_plan(live, desired, choice), (note,) if note else ()

    def _check_duplicates(
        self,
        ids: dict[str, str],
        lives: dict[str, Json | None],
        listed: dict[str, list[int] | None],
    ) -> None:
        """Refuse a second version with the same number (unless the user opted in). `listed`:
        the other builds with our number, when round 1 already listed them."""
        if self.choices.allow_duplicate_version:
            return
        assert self.client is not None
        for hosting, app_id in ids.items():
            if needs_check(lives[hosting], self.release):
                builds = listed[hosting]
                if builds is None:
                    builds = other_builds(self.client, self.policy, app_id, self.release)
                if builds:
                    raise refuse(self.release, hosting, builds)

    def _keep_images(
        self, images: tuple[ImagePlan, ...], live_listings: dict[str, Json | None]
    ) -> tuple[tuple[ImagePlan, ...], dict[str, dict[KeyPath, str]], tuple[str, ...]]:
        """Images with no journal record: keep the live ones in place, or upload them again."""
        none: dict[str, dict[KeyPath, str]] = {h: {} for h in live_listings}
        unknown = [i for i in images if i.reuse_id is None]
        listed = {h: doc for h, doc in live_listings.items() if doc is not None}
        if not unknown or not listed or self.release.listing is None:
            return images, none, ()
        count = plural(len(unknown), "listing image has", "listing images have")
        why = (
            f"{count} no record in the state directory (MPAC_STATE_DIR), and Marketplace cannot "
            "send an image back, so they cannot be proven equal to the live images"
        )
        if self.choices.images == "upload":
            return images, none, (f"{why}: uploading them again (--images upload)",)
        found = {h: live_ids(self.release.listing, doc) for h, doc in listed.items()}
        if any(ids is None for ids in found.values()):
            slots = "the listing's image slots changed (an image added or taken away)"
            return images, none, (f"{why}; {slots}, so they are uploaded",)
        keys = {k for i in unknown for k in i.keys}
        kept = {
            **none,
            **{h: {k: v for k, v in (ids or {}).items() if k in keys} for h, ids in found.items()},
        }
        everywhere = set(listed) == set(live_listings)  # a hosting without a listing needs uploads
        images = tuple(replace(i, kept=everywhere) if i.reuse_id is None else i for i in images)
        advice = "to replace an image, run with --images upload or keep MPAC_STATE_DIR between runs"
        return images, kept, (f"{why}: keeping the live images (--images keep); {advice}",)

    def _find(self, names: Resolver, hosting: str) -> tuple[str, Json | None, list[int] | None]:
        """The app software id, then its version; and beside it, when this state directory never
        completed this version (a first publish, most likely: a create), the other builds with
        our version number, so the duplicate check costs no round trip of its own."""
        assert self.client is not None
        app_id = names.app_software_id(hosting)
        read = partial(self.policy.read, f"read version {self.release.build}")
        version = partial(read, partial(self._get_version, app_id))
        if self.choices.allow_duplicate_version or (
            self.journal and self.journal.step(step_key("version", hosting))
        ):
            return app_id, version(), None
        builds = partial(other_builds, self.client, self.policy, app_id, self.release)
        live, listed = side_by_side([version, builds])
        return app_id, live, listed

    def _live_listing(self, app_software_id: str, live_version: Json | None) -> Json | None:
        if self.release.listing is None or live_version is None:
            return None
        return self.policy.read("read listing", partial(self._get_listing, app_software_id))

    def _get_listing(self, app_software_id: str) -> Json | None:
        assert self.client is not None
        return self.client.get_listing(app_software_id, self.release.build)

    def _get_version(self, app_software_id: str) -> Json | None:
        assert self.client is not None
        return self.client.get_version(app_software_id, self.release.build)

    def _offline(self, images: tuple[ImagePlan, ...], rendered: str | None) -> Plan:
        release = self.release
        artifact = self.artifact_plan([])
        compat = [
            ResolvedCompatibility(
                f"<{c.product} parent software id>",
                c.min if isinstance(c.min, int) else f"<build number of {c.product} {c.min}>",
                c.max if isinstance(c.max, int) else f"<build number of {c.product} {c.max}>",
            )
            for c in release.compatibility
        ]
        image_ids = {k: placeholder(i) for i in images for k in i.keys}
        hostings = tuple(
            HostingPlan(
                h,
                f"<{h} app software id of {release.app}>",
                DocumentPlan(
                    "create",
                    desired=version_document(
                        release, ARTIFACT_PLACEHOLDER, compat, release_notes=rendered
                    ),
                ),
                DocumentPlan("create", desired=listing_document(release.listing, image_ids))
                if release.listing
                else DocumentPlan("skip"),
            )
            for h in release.hostings
        )
        note = (
            "no credentials: Marketplace was not read, so each version is shown as a create; "
            "set MPAC_USER and MPAC_TOKEN for the real diff"
        )
        return Plan(
            release,
            False,
            artifact,
            images,
            tuple(compat),
            hostings,
            (note,),
            release_notes=rendered,
        )

    # -- uploads ---------------------------------------------------------------------------------

    def _images(self) -> tuple[ImagePlan, ...]:
        """Each file once per image type: identical files (same hash) are uploaded once."""
        if self.release.listing is None:
            return ()
        grouped: dict[tuple[str, str], list[Image]] = {}
        for image in self.release.listing.images():
            grouped.setdefault((file_sha512(image.path), image.image_type), []).append(image)
        plans = []
        for (sha, image_type), found in grouped.items():
            reuse = self.journal.image(sha, image_type) if self.journal else None
            plans.append(
                ImagePlan(
                    found[0].path,
                    image_type,
                    sha,
                    found[0].path.stat().st_size,
                    tuple(i.key for i in found),
                    reuse,
                    _shown(found[0].path, self.release.config_path),
                )
            )
        return tuple(plans)

    def artifact_plan(self, live_versions: list[Json]) -> ArtifactPlan:
        """Upload, fetch, or reuse an artifact already on Marketplace (checked there)."""
        artifact = self.release.artifact
        sha: str | None = None
        if artifact.url:
            plan = ArtifactPlan("fetch", artifact.url, url=artifact.url)
            found = self._reusable(live_versions, lambda a: artifact_remote_href(a) == artifact.url)
        else:
            assert artifact.path is not None
            # Hash before uploading only if something could be reused; the upload hashes anyway.
            comparable = any(version_artifact_id(v) for v in live_versions) or (
                self.journal is not None and self.journal.has_artifacts()
            )
            sha = file_sha512(artifact.path) if self.client and comparable else None
            plan = ArtifactPlan(
                "upload",
                _shown(artifact.path, self.release.config_path),
                path=artifact.path,
                size=artifact.path.stat().st_size,
                sha512=sha,
            )
            found = (
                None
                if sha is None
                else self._reusable(
                    live_versions, lambda a: same_sha512(artifact_checksum(a), sha) is True
                )
            )
        if found:
            artifact_id, reason = found
            return replace(plan, action="reuse", reuse_id=artifact_id, reason=reason)
        if plan.path is not None and sha is not None:
            plan = self._rebuilt(plan, live_versions)
        key = artifact.url or sha
        recorded = self._recorded(plan, key) if key and plan.action != "reuse" else None
        if recorded:  # our own upload of these bytes, from an earlier run on this machine
            reason = "uploaded by an earlier run (resumed)"
            return replace(plan, action="reuse", reuse_id=recorded, reason=reason)
        return plan

    def _rebuilt(self, plan: ArtifactPlan, live_versions: list[Json]) -> ArtifactPlan:
        """Checksums differ: a rebuild of the same content keeps the live artifact; other
        content keeps the upload plan, carrying the entries that differ for the refusal."""
        assert self.client is not None and plan.path is not None
        for live in live_versions:
            live_id = version_artifact_id(live)
            details = self._artifact(str(live_id)) if live_id else None
            if not live_id or not details:
                continue
            ours = local_content(plan.path, self.release.checked(plan.path))
            verdict = compare_content(
                ours, str(live_id), details, self.client, self.policy, self.journal
            )
            if verdict is None:
                continue
            if verdict.same:
                why = f"a rebuild with the live artifact's content (compared with {verdict.source})"
                return replace(plan, action="reuse", reuse_id=str(live_id), reason=why)
            return replace(plan, differences=verdict.differences)
        return plan

    def _artifact(self, artifact_id: str) -> Json | None:
        assert self.client is not None
        client = self.client
        return self.policy.read("read artifact", lambda: client.get_artifact(artifact_id))

    def _reusable(self, live_versions: list[Json], same: Any) -> tuple[str, str] | None:
        """The live version's artifact when it has our bytes (checked on Marketplace)."""
        if self.client is None:
            return None
        for live in live_versions:
            artifact_id = version_artifact_id(live)
            if artifact_id:
                details = self._artifact(str(artifact_id))
                if details and same(details):
                    return str(artifact_id), "the existing version already has this artifact"
        return None

    def _recorded(self, plan: ArtifactPlan, journal_key: str) -> str | None:
        """Our upload of these bytes from an earlier run on this machine, when Marketplace still
        has it with them. Asked only after the live version's artifact was held against ours by
        bytes and then by content: the live version may stand on another run's upload of the
        same content (issue #21), which is kept rather than swapped for ours."""
        recorded = self.journal.artifact(journal_key) if self.journal else None
        if self.client is None or not recorded:
            return None
        details = self._artifact(recorded)
        if not details:
            return None
        if plan.url is not None:
            return recorded if artifact_remote_href(details) == plan.url else None
        return recorded if same_sha512(artifact_checksum(details), str(plan.sha512)) else None


def _shown(path: Path, config: Path) -> str:
    """A path as the user thinks of it: relative to release.yml's directory when inside it."""
    try:
        return str(path.relative_to(config.resolve().parent))
    except ValueError:
        return str(path)
