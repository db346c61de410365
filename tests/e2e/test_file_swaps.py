"""Files that change between validation and upload (issue #23), and image names (issue #15.6).

A symlink swapped after validation must never send a file from outside the workspace: the upload
re-verifies the opened handle (its real path, its inode) and reads only that handle. The swap is
done from the event stream, right after planning and before the first upload.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from publisher import events as ev
from publisher.commands.publish import PublishOptions, publish
from publisher.commands.seams import Seams
from publisher.commands.validate import ConfigOptions
from publisher.errors import ExitCode
from publisher.marketplace.connection import Connection, Credentials
from publisher.sandbox import Sandbox
from publisher.state.ledger import Limits
from tests.support.artifacts import JPEG, png_bytes
from tests.support.publisher import SPACING, Release


def run_publish(
    sandbox: Sandbox, release: Release, state: Path, on_event: Any
) -> tuple[int, list[Any]]:
    user, token = sandbox.credentials
    options = PublishOptions(
        ConfigOptions(release.path),
        Connection(sandbox.url, Credentials(user, token)),
        seams=Seams(limits=Limits(spacing=SPACING), retry_initial=0.01),
    )
    seen: list[Any] = []

    def emit(event: Any) -> None:
        seen.append(event)
        on_event(event)

    code = publish(options, {"MPAC_STATE_DIR": str(state)}, emit)
    return code, seen


def stored_images(sandbox: Sandbox) -> list[dict[str, Any]]:
    return list(sandbox.state()["images"].values())


def test_symlink_swapped_after_validation_never_sends_a_file_outside_the_workspace(
    sandbox: Sandbox, release: Release, tmp_path: Path
) -> None:
    inside = release.root / "docs/img/hero-real.png"
    (release.root / "docs/img/hero.png").rename(inside)
    hero = release.root / "docs/img/hero.png"
    hero.symlink_to(inside)
    outside = tmp_path / "outside-secret.png"
    outside.write_bytes(png_bytes(3, 3, padding=64))  # a valid image: only its place is wrong
    secret = "sha256:" + hashlib.sha256(outside.read_bytes()).hexdigest()

    def swap(event: Any) -> None:
        if isinstance(event, ev.StageFinished) and event.name == "plan":
            hero.unlink()
            hero.symlink_to(outside)

    code, seen = run_publish(sandbox, release, tmp_path / "state", swap)
    assert code == ExitCode.INVALID_CONFIG, seen[-1]
    report = seen[-1].report
    assert "hero.png" in report.error and "outside the workspace" in report.error
    assert all(image["checksum"] != secret for image in stored_images(sandbox))
    created = [
        e for e in sandbox.journal() if e["method"] == "POST" and e["path"].endswith("/versions")
    ]
    assert not created, "no version"


def test_file_replaced_after_validation_is_refused_not_sent(
    sandbox: Sandbox, release: Release, tmp_path: Path
) -> None:
    hero = release.root / "docs/img/hero.png"
    other = png_bytes(4, 4, padding=32)
    replaced = "sha256:" + hashlib.sha256(other).hexdigest()

    def replace(event: Any) -> None:
        if isinstance(event, ev.StageFinished) and event.name == "plan":
            fresh = hero.with_name("fresh.png")
            fresh.write_bytes(other)
            fresh.replace(hero)  # another inode at the same path

    code, seen = run_publish(sandbox, release, tmp_path / "state", replace)
    assert code == ExitCode.INVALID_CONFIG, seen[-1]
    assert "was replaced after it was checked" in seen[-1].report.error
    assert all(image["checksum"] != replaced for image in stored_images(sandbox))


def test_image_names_sent_carry_the_extension_of_their_content(
    sandbox: Sandbox, release: Release, tmp_path: Path
) -> None:
    img = release.root / "docs/img"
    (img / "overview.png").rename(img / "overview.PNG")
    (img / "h2.png").unlink()
    (img / "h2.jpeg").write_bytes(JPEG)
    (img / "h3.png").rename(img / "h3")
    release.edit("docs/img/overview.png", "docs/img/overview.PNG")
    release.edit("docs/img/h2.png", "docs/img/h2.jpeg")
    release.edit("docs/img/h3.png", "docs/img/h3")
    code, seen = run_publish(sandbox, release, tmp_path / "state", lambda event: None)
    assert code == ExitCode.OK, seen[-1]
    names = sorted(image["name"] for image in stored_images(sandbox))
    assert names == sorted(
        ["overview.png", "h1.png", "h1-thumb.png", "h2.jpg", "h3.png", "hero.png"]
    ), names
    assert {image["mimeType"] for image in stored_images(sandbox)} == {"image/png", "image/jpeg"}
