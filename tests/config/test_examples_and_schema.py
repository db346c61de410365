"""The bundled example is valid, and the schema is a well-formed, fully documented contract."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from publisher.cli import main
from publisher.config.schema import release_schema

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "release.yml"


def test_example_validates(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(EXAMPLE)], env={}) == 0
    assert "is valid: com.example.timesheets 2.4.0 (build 2004000) for datacenter" in (
        capsys.readouterr().out
    )


def test_example_declares_the_schema_for_editors() -> None:
    first = EXAMPLE.read_text().splitlines()[0]
    assert first == "# yaml-language-server: $schema=../publisher/config/schema.json"
    assert (EXAMPLE.parent / "../publisher/config/schema.json").resolve().is_file()


def test_example_passes_an_independent_validator() -> None:
    checker = Path(sys.executable).with_name("check-jsonschema")
    schema = ROOT / "publisher" / "config" / "schema.json"
    run = subprocess.run(
        [str(checker), "--schemafile", str(schema), str(EXAMPLE)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_schema_command_prints_a_valid_2020_12_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"], env={}) == 0
    printed = json.loads(capsys.readouterr().out)
    Draft202012Validator.check_schema(printed)
    assert printed["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert printed == release_schema()


def properties(
    schema: dict[str, Any], root: dict[str, Any], path: str = ""
) -> Iterator[tuple[str, dict[str, Any]]]:
    for name, sub in schema.get("properties", {}).items():
        yield f"{path}{name}", sub
        target = sub
        if "items" in sub:
            target = sub["items"]
        yield from properties(target, root, f"{path}{name}.")


def test_every_key_has_a_description_and_an_example() -> None:
    schema = release_schema()
    keys = list(properties(schema, schema))
    assert len(keys) > 40
    for key, sub in keys:
        assert sub.get("description"), f"{key} has no description"
        assert sub.get("examples"), f"{key} has no example"


def test_contract_keys_from_the_design_card_exist() -> None:
    names = {key for key, _ in properties(release_schema(), release_schema())}
    contract = {
        "app", "hosting", "version", "build", "artifact", "payment", "license", "supported",
        "beta", "agreement", "compatibility", "compatibility.product", "compatibility.min",
        "compatibility.max", "release", "release.summary", "release.notes", "release.notes_file",
        "listing", "listing.state", "listing.screenshots", "listing.screenshots.image",
        "listing.screenshots.caption", "listing.highlights", "listing.highlights.title",
        "listing.highlights.summary", "listing.highlights.caption", "listing.highlights.screenshot",
        "listing.highlights.thumbnail", "listing.hero", "listing.more_details", "listing.youtube",
        "listing.links", "listing.links.documentation",
    }  # fmt: skip
    assert contract <= names, contract - names
