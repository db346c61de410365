"""Editing one scalar of release.yml in place: quoting, comments and layout are kept."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from publisher.config.edit import apply_edit, plan_edit
from publisher.errors import ConfigError

TEXT = """\
# top comment
app: com.example.x   # the key
compatibility:
  - product: jira
    min: 9.12.0
    max: "10.3.0"    # keep me
  - product: confluence
    min: 8.5.0
    max: 9.0.0
  - {product: bamboo, min: 9.2.0, max: 10.0.0}
  - product: bitbucket
    min: 8.0.0
    max: ${BITBUCKET_MAX}
  - product: crowd
    min: 500000
    max: 600000
"""


def test_a_quoted_value_stays_quoted_and_its_comment_stays(tmp_path: Path) -> None:
    path = tmp_path / "release.yml"
    path.write_text(TEXT)
    edit = plan_edit(TEXT, ("compatibility", 0, "max"), "10.8.0", "release.yml")
    assert edit is not None and edit.line == 6
    apply_edit(path, edit)
    changed = path.read_text()
    assert changed == TEXT.replace('max: "10.3.0"    # keep me', 'max: "10.8.0"    # keep me')


def test_a_plain_value_that_would_read_as_a_number_is_quoted() -> None:
    edit = plan_edit(TEXT, ("compatibility", 1, "max"), "9.5", "release.yml")
    assert edit is not None and edit.after == '    max: "9.5"'
    edited = TEXT.replace("    max: 9.0.0", edit.after)
    assert yaml.safe_load(edited)["compatibility"][1]["max"] == "9.5"


def test_flow_style_and_build_numbers_are_edited_in_place() -> None:
    flow = plan_edit(TEXT, ("compatibility", 2, "max"), "10.2.0", "release.yml")
    assert flow is not None
    assert flow.after == "  - {product: bamboo, min: 9.2.0, max: 10.2.0}"
    build = plan_edit(TEXT, ("compatibility", 4, "max"), 700000, "release.yml")
    assert build is not None and build.after == "    max: 700000"


def test_a_value_from_the_environment_is_not_overwritten() -> None:
    with pytest.raises(ConfigError, match="change the variable instead"):
        plan_edit(TEXT, ("compatibility", 3, "max"), "9.0.0", "release.yml")


def test_an_unchanged_value_is_no_edit() -> None:
    assert plan_edit(TEXT, ("compatibility", 1, "max"), "9.0.0", "release.yml") is None
