"""The action's outputs: a page for people on the real Marketplace only, the API URL under a clear
name, and the old name kept as an alias for one release."""

from __future__ import annotations

from publisher.outcome import HostingResult, RunReport

REAL = "https://api.atlassian.com/marketplace/rest/3/app-software/abc/versions/2004000"
SANDBOX = "http://127.0.0.1:8123/rest/3/app-software/abc/versions/2004000"


def _outputs(version_url: str | None, app: str = "com.example.timesheets") -> dict[str, str]:
    hostings = (
        HostingResult("server"),
        HostingResult("datacenter", "abc", None, None, version_url),
    )
    return RunReport("publish", "release.yml", "created", 0, app=app, hostings=hostings).outputs()


def test_a_real_publish_names_the_marketplace_page_of_the_first_published_hosting() -> None:
    outputs = _outputs(REAL)
    assert outputs["marketplace-url"] == (
        "https://marketplace.atlassian.com/plugins/com.example.timesheets"
        "?hosting=datacenter&tab=versions"
    )
    assert outputs["version-api-url"] == outputs["version-url"] == REAL


def test_a_sandbox_or_a_plan_has_no_marketplace_page() -> None:
    assert _outputs(SANDBOX)["marketplace-url"] == ""
    assert _outputs(SANDBOX)["version-api-url"] == SANDBOX
    assert _outputs(None)["marketplace-url"] == _outputs(None)["version-api-url"] == ""


def test_an_app_key_is_quoted_in_the_page_address() -> None:
    assert "/plugins/com.example.a%20b?" in _outputs(REAL, app="com.example.a b")["marketplace-url"]
