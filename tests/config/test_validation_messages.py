"""validate's messages (issues #21 and 11): every mistake at once, each located, none a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from publisher.cli import main

VALID = """\
app: com.example.timesheets
hosting: datacenter
version: "2.4.0"
build: 2004000
artifact: app.jar
payment: free
compatibility:
  - product: jira
    min: 9.12.0
    max: 10.3.0
"""


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    from tests.support.artifacts import jar_bytes

    (tmp_path / ".git").mkdir()
    (tmp_path / "app.jar").write_bytes(jar_bytes())
    return tmp_path


def validate(
    workspace: Path,
    text: str,
    capsys: pytest.CaptureFixture[str],
    env: dict[str, str] | None = None,
    *extra: str,
) -> tuple[int, str]:
    config = workspace / "release.yml"
    config.write_text(text)
    code = main(["validate", str(config), *extra], env={"NO_COLOR": "1", **(env or {})})
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_a_5000_digit_build_from_the_environment_is_a_located_error(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = VALID.replace("build: 2004000", "build: ${BUILD}")
    code, out = validate(workspace, text, capsys, {"BUILD": "9" * 5000})
    assert code == 3, out
    assert (
        "release.yml:4:8: error: build: expected a whole number, got a number of 5000 digits" in out
    )


def test_a_5000_digit_product_build_from_the_environment_is_a_located_error(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = VALID.replace("min: 9.12.0", "min: ${MIN}")
    code, out = validate(workspace, text, capsys, {"MIN": "9" * 5000})
    assert code == 3, out
    assert "release.yml:9:10: error: compatibility[0].min:" in out
    assert "unexpected error" not in out


def test_a_huge_product_build_number_is_refused_offline(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = validate(workspace, VALID.replace("min: 9.12.0", "min: " + "9" * 40), capsys)
    assert code == 3, out
    assert "release.yml:9:10: error: compatibility[0].min:" in out


@pytest.mark.parametrize(
    "bound",
    ['"' + "9" * 5000 + '.0"', '"1.²"', '"٣.1"'],
    ids=["5000-digits", "superscript", "arabic"],
)
def test_odd_digits_in_a_product_version_are_located_not_a_crash(
    workspace: Path, capsys: pytest.CaptureFixture[str], bound: str
) -> None:
    code, out = validate(workspace, VALID.replace("min: 9.12.0", f"min: {bound}"), capsys)
    assert code == 3, out
    assert "release.yml:9:10: error: compatibility[0].min:" in out
    assert "unexpected error" not in out


@pytest.mark.parametrize("command", ["validate", "plan"])
def test_a_missing_release_file_is_called_not_found_with_its_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    missing = tmp_path / "nothere.yml"
    code = main([command, str(missing)], env={"NO_COLOR": "1"})
    out = capsys.readouterr().out
    assert code == 3, out
    assert f"release file not found: {missing}" in out
    assert "invalid" not in out


@pytest.mark.parametrize("github", [False, True], ids=["terminal", "github-actions"])
def test_a_fatal_error_is_printed_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], github: bool
) -> None:
    env = {"NO_COLOR": "1", **({"GITHUB_ACTIONS": "true"} if github else {})}
    code = main(["publish", str(tmp_path / "release.yml")], env=env)
    out = capsys.readouterr().out
    assert code == 4, out
    message = "no credentials: MPAC_USER and MPAC_TOKEN are not set"
    assert out.count(message) == 1, out
    assert "✗ publish failed: the error above" in out


@pytest.mark.parametrize(
    "product",
    ["confluence", "crowd", "jira-service-management", "3d235af4-145b-515e-af52-91e054b158ac"],
)
def test_product_keys_and_opaque_ids_are_accepted_offline(
    workspace: Path, capsys: pytest.CaptureFixture[str], product: str
) -> None:
    code, out = validate(workspace, VALID.replace("product: jira", f"product: {product}"), capsys)
    assert code == 0, out


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("Jira Service Management", "jira-service-management"),
        ("Jira Software", "jira"),
        ("Bamboo", "bamboo"),
        ("JSM", "jira-service-management"),
        ("Jira Service Desk", "jira-service-management"),
    ],
)
def test_a_product_display_name_gets_its_key_suggested(
    workspace: Path, capsys: pytest.CaptureFixture[str], written: str, meant: str
) -> None:
    code, out = validate(workspace, VALID.replace("product: jira", f"product: {written}"), capsys)
    assert code == 3, out
    assert f"release.yml:8:14: error: compatibility[0].product: '{written}' is not one of" in out
    assert f"did you mean '{meant}'?" in out
