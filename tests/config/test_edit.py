"""Editing one scalar of release.yml in place: quoting, comments and layout are kept."""

from __future__ import annotations

import codecs
import stat
from pathlib import Path

import pytest
import yaml

from publisher.config.edit import apply_edit, plan_edit, read_source
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


@pytest.mark.parametrize(
    "value",
    [
        "10.8.0\n  - product: confluence\n    min: 7.19.0",
        "10.8.0\nbeta: true",
        '10.8.0" # "',
        "10.8.0' # '",
        "10.8.0: [",
    ],
    ids=["second entry", "extra key", "double quote", "single quote", "unparsable"],
)
@pytest.mark.parametrize("index", [0, 1], ids=["double-quoted node", "plain node"])
def test_any_text_is_emitted_so_the_document_reads_as_before_but_that_value(
    value: str, index: int
) -> None:
    edit = plan_edit(TEXT, ("compatibility", index, "max"), value, "release.yml")
    assert edit is not None and "\n" not in edit.new_text
    expected = yaml.safe_load(TEXT)
    expected["compatibility"][index]["max"] = value
    assert yaml.safe_load(edit.text) == expected
    assert edit.text == TEXT.replace(edit.before, edit.after, 1)


def test_a_single_quoted_value_with_a_quote_in_it_is_escaped_the_yaml_way() -> None:
    text = TEXT.replace("max: 9.0.0", "max: '9.0.0'")
    edit = plan_edit(text, ("compatibility", 1, "max"), "9.0.0' # x", "release.yml")
    assert edit is not None and edit.after == "    max: '9.0.0'' # x'"


def test_a_value_that_would_break_its_flow_mapping_is_refused_by_the_re_parse() -> None:
    with pytest.raises(ConfigError, match=r"release.yml:10: .*would change more than that value"):
        plan_edit(TEXT, ("compatibility", 2, "max"), "10.2.0]", "release.yml")


def test_a_value_that_adds_a_credential_to_the_file_is_refused() -> None:
    with pytest.raises(ConfigError, match="would write a credential"):
        plan_edit(TEXT, ("compatibility", 1, "max"), "9.5.0", "release.yml", ["9.5.0"])
    assert plan_edit(TEXT, ("compatibility", 1, "max"), "9.5.0", "release.yml", ["zzzz"])


@pytest.mark.parametrize(
    ("written", "said"),
    [
        ("max: >-\n      9.0.0", "folded block scalar"),
        ("max: |\n      9.0.0", "literal block scalar"),
        ("max: *low", "alias (*low)"),
        ("max: &high 9.0.0", "anchor (&high)"),
        ("max: !!str 9.0.0", "tag"),
    ],
)
def test_a_node_whose_text_is_more_than_its_value_is_for_editing_by_hand(
    written: str, said: str
) -> None:
    text = TEXT.replace("min: 8.5.0", "min: &low 8.5.0").replace("max: 9.0.0", written)
    with pytest.raises(ConfigError, match="edit it by hand") as caught:
        plan_edit(text, ("compatibility", 1, "max"), "9.5.0", "release.yml")
    assert said in caught.value.message and caught.value.message.startswith("release.yml:9:")
    [diagnostic] = caught.value.diagnostics
    assert diagnostic.location is not None and diagnostic.location.line == 9


def test_an_edit_keeps_crlf_line_endings_a_bom_and_the_mode(tmp_path: Path) -> None:
    path = tmp_path / "release.yml"
    crlf = TEXT.replace("\n", "\r\n")
    path.write_bytes(codecs.BOM_UTF8 + crlf.encode())
    path.chmod(0o640)
    source = read_source(path)
    edit = plan_edit(source.text, ("compatibility", 1, "max"), "9.5.0", "release.yml")
    assert edit is not None and edit.after == "    max: 9.5.0"
    apply_edit(path, edit)
    expected = crlf.replace("max: 9.0.0\r\n", "max: 9.5.0\r\n")
    assert path.read_bytes() == codecs.BOM_UTF8 + expected.encode()
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
