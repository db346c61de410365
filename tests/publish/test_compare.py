"""The listing/version diff compares only what release.yml sets, robust to a normalising server."""

from __future__ import annotations

from publisher.marketplace.errors import ErrorEntry
from publisher.publish.compare import lf_text, settled_patch
from publisher.publish.document_plan import listing_plan, version_plan

DESIRED_LISTING = {
    "state": "PUBLIC",
    "moreDetails": "Longer text\n",
    "screenshots": [{"imageId": "i1", "caption": " Overview "}],
    "developerLinks": {"documentation": "https://example.com/docs"},
}


def test_nulls_defaults_empty_lists_and_trimmed_text_are_no_change() -> None:
    live = {
        "state": "PUBLIC",
        "moreDetails": "Longer text",
        "screenshots": [{"imageId": "i1", "caption": "Overview", "extra": None}],
        "highlights": [],
        "heroImage": None,
        "youtubeId": "",
        "deploymentInstructions": [],
        "developerLinks": {"documentation": "https://example.com/docs", "bonTermsSupported": False},
        "approvalStatus": "UNINITIATED",
        "revision": 3,
    }
    plan = listing_plan(live, DESIRED_LISTING)
    assert (plan.action, plan.patch) == ("unchanged", ())


def test_a_real_change_is_a_patch_of_just_that_change() -> None:
    live = {**DESIRED_LISTING, "developerLinks": {"documentation": "https://old.example.com"}}
    plan = listing_plan(live, DESIRED_LISTING)
    assert plan.action == "update"
    assert plan.patch == (
        {
            "op": "replace",
            "path": "/developerLinks/documentation",
            "value": "https://example.com/docs",
        },
    )
    assert plan.desired is not None and plan.desired["moreDetails"] == "Longer text\n"


def test_a_version_whose_notes_came_back_trimmed_is_unchanged() -> None:
    desired = {
        "buildNumber": 1,
        "versionNumber": "1.0.0",
        "changelog": {"releaseSummary": "Fast ", "releaseNotes": "- one\n- two\n"},
        "supported": True,
        "beta": False,
    }
    live = {
        **desired,
        "changelog": {"releaseSummary": "Fast", "releaseNotes": "- one\n- two"},
        "editionsEnabled": False,
        "sourceCodeLicense": None,
        "state": "approved",
        "revision": 2,
    }
    assert version_plan(live, desired).action == "unchanged"
    live["beta"] = True
    assert version_plan(live, desired).patch == (
        {"op": "replace", "path": "/beta", "value": False},
    )


def test_both_live_forms_of_a_field_error_name_the_field() -> None:
    for detail, field in (
        ("Invalid value for changelog.releaseNotes. Cannot be longer", "changelog.releaseNotes"),
        (
            "Invalid value for field 'supportedPaymentModel': Must be one of",
            "supportedPaymentModel",
        ),
        ("Invalid value for field 'uri'", "uri"),
    ):
        assert ErrorEntry("400", "VALIDATION_ERROR", "", detail).field == field


def test_live_text_with_crlf_equals_ours_with_lf() -> None:
    live = {"moreDetails": "one\r\ntwo\rthree", "highlights": [{"summary": "a\r\nb"}]}
    wanted = {"moreDetails": "one\ntwo\nthree", "highlights": [{"summary": "a\nb"}]}
    assert settled_patch(live, wanted) == []
    assert settled_patch(live, lf_text(live)) == []
