"""Reading Marketplace's answers by their expected shape: anything else is a clear error.

Every answer is untrusted input. A wrong type anywhere (a string where an object belongs, a list
where a document belongs) ends as `UnexpectedAnswer` naming what and where, exit 8: never a
crash (exit 1) and never blamed on release.yml.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, TypeVar

from publisher.marketplace.errors import UnexpectedAnswer

T = TypeVar("T")
Json = dict[str, Any]  # a JSON object, as Marketplace sends and takes it (the one definition)
MAX_DEPTH = 64  # Marketplace documents nest about 6 deep; deeper is hostile (RecursionError)
_KINDS = {dict: "an object", list: "a list", str: "a string", int: "an integer", bool: "a boolean"}


def parse(content: bytes, where: str) -> Any:
    """JSON text -> value; nested deeper than MAX_DEPTH -> UnexpectedAnswer. Text that is not
    JSON raises ValueError: the caller decides (a cut-off answer is a transport failure)."""
    try:
        value = json.loads(content)
    except RecursionError:
        raise UnexpectedAnswer("JSON nested too deeply", where) from None
    if _depth_over(value, MAX_DEPTH):
        raise UnexpectedAnswer(f"JSON nested more than {MAX_DEPTH} levels deep", where)
    return value


def _depth_over(value: Any, limit: int) -> bool:
    stack = [(value, 1)]
    while stack:  # iterative: a deep document must not exhaust the Python stack here either
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return False


def describe(value: Any) -> str:
    if value is None:
        return "nothing"
    for kind, name in _KINDS.items():
        if type(value) is kind:
            return name
    return type(value).__name__


def expect(value: Any, kind: type[T], what: str, where: str) -> T:
    """`value` if it is a `kind` (a bool is not an int), else UnexpectedAnswer."""
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise UnexpectedAnswer(f"{what} is {describe(value)}, expected {_KINDS[kind]}", where)
    return value


def document(value: Any, where: str) -> Json:
    """An answer that must be a JSON object."""
    return expect(value, dict, "the answer", where)


def field(doc: Json, dotted: str, kind: type[T], where: str) -> T | None:
    """doc["a"]["b"]... for "a.b": None when a level is absent or null; a present level of the
    wrong type (e.g. `frameworkDetails` a string) -> UnexpectedAnswer."""
    current: Any = doc
    parts = dotted.split(".")
    for depth, part in enumerate(parts):
        here = ".".join(parts[:depth]) or "the answer"
        current = expect(current, dict, here, where).get(part)
        if current is None:
            return None
    return expect(current, kind, dotted, where)


def items(value: Any, what: str, where: str) -> list[Json]:
    """A list of objects (entries of a listing answer)."""
    found = expect(value, list, what, where)
    for index, entry in enumerate(found):
        expect(entry, dict, f"{what}[{index}]", where)
    return found


@dataclass(frozen=True)
class Text:
    """A string field that must also read as `what` (the pattern, matched whole): a value the
    publisher writes into a file has to be checked for more than its type."""

    pattern: re.Pattern[str]
    what: str


# A product version as release.yml's schema accepts one ("10.8.0"); nothing a YAML or shell
# reader could take for more than one word (issue #20: it is written into release.yml).
PRODUCT_VERSION_NUMBER = Text(re.compile(r"[0-9]+(?:\.[0-9A-Za-z-]+)*"), "a version such as 10.8.0")
MAX_TEXT = 100  # longer than any product version; a longer one is not shown whole

# "a.b": the type of doc["a"]["b"] when present; "a[]": each entry of a
Shape = dict[str, type | Text]

# The fields of each answer the publisher reads, with their types (spec: docs/api).
VERSION: Shape = {
    "buildNumber": int,
    "versionNumber": str,
    "state": str,
    "revision": int,  # sent back as is with an update
    "frameworkDetails": dict,
    "frameworkDetails.frameworkId": str,
    "frameworkDetails.attributes": dict,
    "frameworkDetails.attributes.artifactId": str,
    "compatibilities": list,
    "compatibilities[]": dict,
    "changelog": dict,
    "licenseType": dict,
    "acceptedAgreements": list,
    "acceptedAgreements[]": dict,
}
LISTING: Shape = {
    "revision": int,
    "state": str,
    "approvalStatus": str,
    "screenshots": list,
    "highlights": list,
    "developerLinks": dict,
    "deploymentInstructions": list,
}
# An entry of GET .../listings/all: yank counts the other public builds by it.
LISTED: Shape = {**LISTING, "buildNumber": int}
ARTIFACT: Shape = {
    "_links": dict,
    "_links.self": dict,
    "_links.self.href": str,
    "_links.remote": dict,
    "_links.remote.href": str,
    "_links.binary": dict,
    "_links.binary.href": str,
    "fileInfo": dict,
    "fileInfo.checksum": str,
    "fileInfo.size": int,
    "details": dict,
    "details.key": str,
    "details.version": str,
}
IMAGE: Shape = {"id": str}
APP_SOFTWARE: Shape = {"appSoftwareId": str, "hosting": str}
PARENT: Shape = {"id": str, "name": str}
PARENT_VERSION: Shape = {
    "buildNumber": int,
    "versionNumber": PRODUCT_VERSION_NUMBER,
    "hosting": list,
    "hosting[]": str,
}
DEVELOPER_ID: Shape = {"developerId": str}
DEVELOPER_SPACE: Shape = {"id": str, "name": str, "status": str}
# An entry of GET /product-listing/developer-space/{id}: what `apps` lists.
DEVELOPER_APP: Shape = {
    "appKey": str,
    "appName": str,
    "state": str,
    "approvalStatus": str,
    "productId": str,
}


def conform(value: Any, shape: Shape, where: str, *, required: tuple[str, ...] = ()) -> Json:
    """`value` as a JSON object whose fields have the types `shape` gives; `required` ones must
    be present. Anything else -> UnexpectedAnswer naming the field."""
    doc = document(value, where)
    for dotted, kind in shape.items():
        if dotted.endswith("[]"):
            entries = field(doc, dotted[:-2], list, where) or []
            for index, entry in enumerate(entries):
                _check(entry, kind, f"{dotted[:-2]}[{index}]", where)
        elif isinstance(kind, Text):
            found = field(doc, dotted, str, where)
            if found is not None:
                _check(found, kind, dotted, where)
            elif dotted in required:
                raise UnexpectedAnswer(f"{dotted} is missing", where)
        elif field(doc, dotted, kind, where) is None and dotted in required:
            raise UnexpectedAnswer(f"{dotted} is missing", where)
    return doc


def _check(value: Any, kind: type | Text, what: str, where: str) -> None:
    if not isinstance(kind, Text):
        expect(value, kind, what, where)
        return
    text = expect(value, str, what, where)
    if len(text) > MAX_TEXT or kind.pattern.fullmatch(text) is None:
        shown = repr(text) if len(text) <= MAX_TEXT else f"{len(text)} characters long"
        raise UnexpectedAnswer(f"{what} is {shown}, expected {kind.what}", where)


def product_version(value: Any, where: str) -> Json:
    """One entry of a page of host product versions: an integer buildNumber and a versionNumber
    that reads as a version (both are used, and the number may be written into release.yml)."""
    return conform(value, PARENT_VERSION, where, required=("buildNumber", "versionNumber"))


# The nested fields the publisher reads from conformed answers, one spelling each; a missing
# level is None (`conform` has already refused wrong types).


def _at(doc: Json, *path: str) -> Any:
    current: Any = doc
    for key in path:
        current = current.get(key) if isinstance(current, dict) else None
    return current


def version_artifact_id(version: Json) -> str | None:
    """frameworkDetails.attributes.artifactId: the artifact a live version is built on."""
    found = _at(version, "frameworkDetails", "attributes", "artifactId")
    return str(found) if found else None


def artifact_checksum(artifact: Json) -> str | None:
    """fileInfo.checksum, as Marketplace spells it (see publish/compare.py's sha512_hex)."""
    found = _at(artifact, "fileInfo", "checksum")
    return None if found is None else str(found)


def artifact_size(artifact: Json) -> int:
    return int(_at(artifact, "fileInfo", "size") or 0)


def artifact_self_href(artifact: Json) -> str:
    """_links.self.href: the artifact's own URL, whose last segment is its id."""
    return str(_at(artifact, "_links", "self", "href") or "")


def artifact_remote_href(artifact: Json) -> str | None:
    """_links.remote.href: the URL Marketplace fetched the artifact from, if it fetched it."""
    found = _at(artifact, "_links", "remote", "href")
    return None if found is None else str(found)


def artifact_binary_href(artifact: Json) -> str | None:
    """_links.binary.href: where Marketplace serves the artifact's bytes."""
    found = _at(artifact, "_links", "binary", "href")
    return None if found is None else str(found)
