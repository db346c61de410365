"""Check request and response bodies against the Marketplace v3 OpenAPI document in docs/api/.

The document is OpenAPI 3.0, so before handing it to jsonschema:
- `nullable: true` becomes a JSON Schema type union with "null";
- `oneOf` becomes `anyOf` (the discriminators were lost when the spec was rebuilt, so e.g. plugin
  attributes also match the workflow branch and `oneOf` would reject valid bodies);
- local `$ref`s are made absolute so any sub-schema can be validated on its own.

The project carries its own copy (docs/api/marketplace-v3.openapi.json, see docs/api/README.md for
where it was reconstructed from), so a fresh clone tests without anything beside it.
"""

from __future__ import annotations

import datetime
import functools
import json
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jsonschema import Draft7Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

SPEC_NAME = "marketplace-v3.openapi.json"
SPEC_URI = "urn:mpac:marketplace-v3"
REPO_ROOT = Path(__file__).resolve().parents[2]


class SpecViolation(AssertionError):
    """A body, status or header the spec does not allow."""


def spec_path() -> Path:
    return REPO_ROOT / "docs" / "api" / SPEC_NAME


def _translate(node: Any) -> Any:
    if isinstance(node, list):
        return [_translate(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _translate(value) for key, value in node.items() if key != "nullable"}
    if "oneOf" in out:
        out["anyOf"] = out.pop("oneOf")
    ref = out.get("$ref")
    if isinstance(ref, str) and ref.startswith("#"):
        out["$ref"] = SPEC_URI + ref
    if node.get("nullable") is True:
        if isinstance(out.get("type"), str):
            out["type"] = [out["type"], "null"]
            if "enum" in out:
                out["enum"] = [*out["enum"], None]
        else:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


@functools.cache
def spec() -> dict[str, Any]:
    """The translated document (cached per process)."""
    translated: dict[str, Any] = _translate(json.loads(spec_path().read_text("utf-8")))
    return translated


@functools.cache
def _registry() -> Registry[Any]:
    return Registry().with_resource(SPEC_URI, Resource(contents=spec(), specification=DRAFT7))


def _format_checker(with_uri: bool) -> FormatChecker:
    checker = FormatChecker(formats=())

    @checker.checks("date-time", raises=ValueError)
    def date_time(value: object) -> bool:
        if isinstance(value, str):
            datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
            return "T" in value
        return True

    @checker.checks("uuid", raises=ValueError)
    def is_uuid(value: object) -> bool:
        if isinstance(value, str):
            uuid.UUID(value)
        return True

    if with_uri:  # responses carry relative hrefs ("/rest/3/artifacts/..."), as the spec's examples

        @checker.checks("uri")
        def is_uri(value: object) -> bool:
            if not isinstance(value, str):
                return True
            parts = urlsplit(value)
            return bool(parts.scheme and parts.netloc)

    return checker


def _operation(method: str, path_template: str) -> dict[str, Any]:
    paths = spec()["paths"]
    if path_template not in paths:
        raise KeyError(f"{path_template} is not a path in {SPEC_NAME}")
    operation = paths[path_template].get(method.lower())
    if operation is None:
        raise KeyError(f"{method.upper()} {path_template} is not an operation in {SPEC_NAME}")
    result: dict[str, Any] = operation
    return result


def _check(schema: Mapping[str, Any], body: Any, what: str, with_uri: bool) -> None:
    validator = Draft7Validator(
        schema, registry=_registry(), format_checker=_format_checker(with_uri)
    )
    errors = sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
    if errors:
        lines = [f"  at /{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:10]]
        raise SpecViolation(f"{what} does not match the spec:\n" + "\n".join(lines))


def validate_response(
    method: str,
    path_template: str,
    status: int,
    body: Any,
    headers: Mapping[str, str] | None = None,
) -> None:
    """Raise SpecViolation unless the spec declares `status` for the operation and `body` fits.

    body: the parsed JSON, or None for an empty body. headers: if given, the headers the spec
    declares for the response (e.g. Location on 201) must be present.
    """
    what = f"{method.upper()} {path_template} -> {status}"
    responses = _operation(method, path_template)["responses"]
    declared = responses.get(str(status)) or responses.get("default")
    if declared is None:
        raise SpecViolation(f"{what}: status not declared (declared: {', '.join(responses)})")
    for name in declared.get("headers", {}) if headers is not None else ():
        if name not in headers:
            raise SpecViolation(f"{what}: header {name} is declared but missing")
    content = declared.get("content")
    if not content:
        if body not in (None, "", b""):
            raise SpecViolation(f"{what}: the spec declares no body, got {body!r:.200}")
        return
    if body is None:
        raise SpecViolation(f"{what}: the spec declares a JSON body, got an empty one")
    _check(content["application/json"]["schema"], body, f"{what} body", with_uri=False)


def validate_request(method: str, path_template: str, body: Any) -> None:
    """Raise SpecViolation unless `body` fits the operation's JSON request schema."""
    request_body = _operation(method, path_template).get("requestBody")
    if request_body is None or "application/json" not in request_body.get("content", {}):
        raise KeyError(f"{method.upper()} {path_template} takes no JSON request body")
    schema = request_body["content"]["application/json"]["schema"]
    _check(schema, body, f"{method.upper()} {path_template} request", with_uri=True)


def validate_schema(name: str, body: Any) -> None:
    """Validate against a named component schema (for statuses the spec leaves undeclared)."""
    if name not in spec()["components"]["schemas"]:
        raise KeyError(f"no component schema {name} in {SPEC_NAME}")
    _check({"$ref": f"{SPEC_URI}#/components/schemas/{name}"}, body, name, with_uri=False)
