"""`mpac-publisher yank`: hide a version (listing PUBLIC -> PRIVATE), never the only public one."""

from __future__ import annotations

from publisher.marketplace.errors import ApiError
from tests.e2e.aftercare import call, document, writes
from tests.support.artifacts import jar_bytes
from tests.support.publisher import Publisher, listings

RULE = (
    "Transitioning from PUBLIC to PRIVATE is not allowed when the version is the only public "
    "version of the app"
)


def publish_next(publisher: Publisher) -> None:
    """2.5.0 (build 2005000), public: the superseding release."""
    release = publisher.release
    release.edit("build: 2004000", "build: 2005000")
    release.edit('version: "2.4.0"', 'version: "2.5.0"')
    (release.root / "CHANGELOG.md").write_text("## 2.5.0\n- Better\n")
    (release.root / "target" / "timesheets-2.4.0.jar").write_bytes(
        jar_bytes("com.example.timesheets", "2.5.0")
    )
    run = publisher("publish")
    assert run.code == 0, run.text


def test_yank_refuses_the_only_public_version(publisher: Publisher) -> None:
    assert publisher("publish").code == 0
    publisher.sandbox.clear_journal()
    for extra in ((), ("--execute",)):
        run = call(publisher, "yank", str(publisher.release.path), "--json", *extra)
        found = document(run, "yank")
        assert run.code == 6
        assert RULE in found["error"]
    assert writes(publisher) == []
    assert listings(publisher.sandbox.state())[2004000]["state"] == "PUBLIC"


def test_yank_hides_a_superseded_version_and_is_idempotent(publisher: Publisher) -> None:
    assert publisher("publish").code == 0
    publish_next(publisher)
    config = str(publisher.release.path)
    publisher.sandbox.clear_journal()
    dry = document(call(publisher, "yank", config, "--build", "2004000", "--json"), "yank")
    assert dry["result"] == "planned" and dry["dry_run"]
    assert dry["hostings"][0]["patch"] == [{"op": "replace", "path": "/state", "value": "PRIVATE"}]
    assert writes(publisher) == []
    before = listings(publisher.sandbox.state())[2004000]
    run = call(
        publisher,
        "yank",
        config,
        "--build",
        "2004000",
        "--replacement",
        "2005000",
        "--execute",
        "--json",
    )
    found = document(run, "yank")
    assert run.code == 0, run.text
    assert found["result"] == "hidden"
    [put] = writes(publisher)
    assert put["method"] == "PUT" and put["path"].endswith("/versions/2004000/listing")
    assert put["body_summary"]["state"] == "PRIVATE"
    assert put["body_summary"]["revision"] == before["revision"]
    assert put["body_summary"]["approvalStatus"] == before["approvalStatus"]  # never touched
    after = listings(publisher.sandbox.state())
    assert after[2004000]["state"] == "PRIVATE" and after[2005000]["state"] == "PUBLIC"
    again = call(publisher, "yank", config, "--build", "2004000", "--execute", "--json")
    assert again.code == 0 and document(again, "yank")["result"] == "already-private"
    assert len(writes(publisher)) == 1


def test_yank_checks_the_replacement_is_public_first(publisher: Publisher) -> None:
    assert publisher("publish").code == 0
    publisher.release.edit("state: public", "state: private")
    publish_next(publisher)  # 2.5.0 exists but is private
    publisher.sandbox.clear_journal()
    run = call(
        publisher,
        "yank",
        str(publisher.release.path),
        "--build",
        "2004000",
        "--replacement",
        "2005000",
        "--execute",
    )
    assert run.code == 6
    assert "replacement build 2005000 is PRIVATE, not PUBLIC" in run.text
    assert writes(publisher) == []


def test_the_sandbox_refuses_the_only_public_version_too(publisher: Publisher) -> None:
    """The rule the command checks first is the server's: the sandbox's PUT says the same."""
    from publisher.marketplace.client import Marketplace
    from publisher.marketplace.connection import Connection, Credentials

    assert publisher("publish").code == 0
    user, token = publisher.sandbox.credentials
    client = Marketplace(Connection(publisher.sandbox.url, Credentials(user, token)))
    [app] = [a for a in client.app_software("com.example.timesheets", "datacenter")]
    live = client.get_listing(app["appSoftwareId"], 2004000)
    assert live is not None
    try:
        client.update_listing(app["appSoftwareId"], 2004000, {**live, "state": "PRIVATE"})
    except ApiError as exc:
        assert RULE in exc.message
    else:
        raise AssertionError("the sandbox accepted hiding the only public version")


def test_yank_changes_no_hosting_when_one_must_refuse(publisher: Publisher) -> None:
    publisher.release.edit("hosting: datacenter", "hosting: [datacenter, server]")
    assert publisher("publish").code == 0
    publisher.release.edit("hosting: [datacenter, server]", "hosting: datacenter")
    publish_next(publisher)  # 2.5.0 public on datacenter only: server's 2.4.0 is its only public
    publisher.release.edit("hosting: datacenter", "hosting: [datacenter, server]")
    publisher.sandbox.clear_journal()
    run = call(publisher, "yank", str(publisher.release.path), "--build", "2004000", "--execute")
    assert run.code == 6 and "server listing of build 2004000" in run.text and RULE in run.text
    assert writes(publisher) == []  # datacenter, which alone could be hidden, was left alone
    assert listings(publisher.sandbox.state(), "datacenter")[2004000]["state"] == "PUBLIC"


def test_a_version_named_as_its_own_replacement_is_a_usage_error(publisher: Publisher) -> None:
    """`--replacement B` for the build B being hidden (named or release.yml's): exit 2 at once."""
    assert publisher("publish").code == 0
    publish_next(publisher)
    config = str(publisher.release.path)
    publisher.sandbox.clear_journal()
    for build in (("--build", "2005000"), ()):
        run = call(
            publisher, "yank", config, *build, "--replacement", "2005000", "--execute", "--json"
        )
        found = document(run, "yank")
        assert run.code == 2, run.text
        assert "--replacement 2005000 is the build being hidden" in found["error"]
    assert publisher.sandbox.journal() == []  # refused before any request
    assert listings(publisher.sandbox.state())[2005000]["state"] == "PUBLIC"
