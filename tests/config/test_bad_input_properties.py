"""Property-based bad input: whatever release.yml (or a file it names) contains, `validate` and
`plan` end with exit 0 or 3 and located messages, never a traceback (exit 1).

Generators: the valid example mutated at every key (wrong types, huge strings, unicode, NUL and
control characters, YAML 1.1 oddities, deep nesting), tricky YAML constructs (alias bombs, tags,
merge keys, duplicate keys, tabs, BOM, CRLF), random text, random bytes, and broken referenced
files (truncated images, a jar that is not a zip, XML bombs, zero-byte files, directories, links
out of the workspace). Each test asserts how many cases it ran; the total is printed by
benchmarks/fuzz_bad_input.py, which runs the same generators at a larger count.
"""

from __future__ import annotations

import contextlib
import copy
import io
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from publisher.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = yaml.safe_load((ROOT / "examples" / "release.yml").read_text())
EXAMPLES = int(os.environ.get("MPAC_FUZZ_EXAMPLES", "60"))
LOCATED = re.compile(r"^release\.yml:(\d+):(\d+): (error|warning): \S")
RUN = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
COUNTS: dict[str, int] = {}


@contextlib.contextmanager
def workspace() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp) / "repo"
        shutil.copytree(
            ROOT / "examples", repo, ignore=shutil.ignore_patterns(".github", ".circleci")
        )
        (repo / ".git").mkdir()
        yield repo


def check(repo: Path, kind: str, command: str = "validate") -> tuple[int, str]:
    """Run the CLI; assert the invariants; return (exit code, output)."""
    COUNTS[kind] = COUNTS.get(kind, 0) + 1
    out, err = io.StringIO(), io.StringIO()
    previous = Path.cwd()
    os.chdir(repo)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(
                [command, "release.yml"], {"NO_COLOR": "1", "MPAC_STATE_DIR": str(repo / ".state")}
            )
    finally:
        os.chdir(previous)
    text = out.getvalue() + err.getvalue()
    assert code in (0, 3), f"exit {code}:\n{text[-2000:]}"
    assert "Traceback" not in text and "unexpected error" not in text, text[-2000:]
    lines = (repo / "release.yml").read_bytes().count(b"\n") + 2
    for line in text.splitlines():
        if ": error: " in line or line.startswith("error: "):
            found = LOCATED.match(line)
            if found:
                assert 1 <= int(found.group(1)) <= lines, line
            else:
                assert (
                    re.match(r"^(error: )?(no such file|release\.yml: |release\.yml is)", line)
                    or "release.yml" in line
                ), line
    if code == 3:
        assert "error" in text
    return code, text


# -- values -------------------------------------------------------------------------------------

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.text(
        alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=("Cs",)),
        max_size=20,
    ),
    st.sampled_from(
        [
            "yes",
            "no",
            "on",
            "off",
            "~",
            "012",
            "1.10",
            "0x1F",
            "1e3",
            ".inf",
            "-",
            "",
            " ",
            "\t",
            "\x00",
            "\u202e",
            "🚀",
            "${UNSET}",
            "${A:-}",
            "$${X}",
            "http://x",
            "ftp://x",
            "../../etc/passwd",
            "/etc/passwd",
            "docs/img",
            "C:\\x",
        ]
    ),
    st.just("x" * 1_000_000),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def paths(document: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(document, dict):
        for key, value in document.items():
            found += paths(value, (*prefix, key))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            found += paths(value, (*prefix, index))
    return found


PATHS = paths(EXAMPLE)


def mutate(document: Any, path: tuple[Any, ...], value: Any, drop: bool) -> Any:
    document = copy.deepcopy(document)
    parent = document
    for part in path[:-1]:
        parent = parent[part]
    if drop and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return document


@RUN
@given(path=st.sampled_from(PATHS), value=values, drop=st.booleans())
def test_the_example_mutated_at_any_key(path: tuple[Any, ...], value: Any, drop: bool) -> None:
    with workspace() as repo:
        doc = mutate(EXAMPLE, path, value, drop)
        try:
            text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
        except yaml.YAMLError:
            return
        (repo / "release.yml").write_text(text, encoding="utf-8", errors="surrogatepass")
        check(repo, "mutated example")


@RUN
@given(extra=st.dictionaries(st.text(min_size=1, max_size=12), values, min_size=1, max_size=3))
def test_unknown_and_extra_keys(extra: dict[str, Any]) -> None:
    with workspace() as repo:
        doc = {**EXAMPLE, **extra}
        (repo / "release.yml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
        check(repo, "extra keys")


SNIPPETS = [
    "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n",  # noqa: E501
    "x: !!python/object/apply:os.system ['true']\n",
    "x: !custom thing\n",
    "base: &base {payment: free}\n<<: *base\n",
    "<<: [*undefined]\n",
    "app: one\napp: two\n",
    "listing:\n\tstate: public\n",
    "\ufeffapp: com.example.timesheets\n",
    "app: com.example.timesheets\r\nbuild: 1\r\n",
    "deep: " + "[" * 1000 + "]" * 1000 + "\n",
    "deep:\n" + "".join("  " * i + f"k{i}:\n" for i in range(200)),
    "? [complex, key]\n: value\n",
    "%YAML 1.1\n---\napp: x\n...\n---\nsecond: doc\n",
    "app: 'unterminated\n",
    "a: *nowhere\n",
    "build: 99999999999999999999999999999999\n",
    "version: 2.4\n",
    "hosting: [datacenter, datacenter]\n",
    "- just\n- a list\n",
    "just a scalar\n",
    "",
    "   \n\n  \t\n",
    "null\n",
    'key: "\\x00\\ud800"\n',
]


@RUN
@given(snippet=st.sampled_from(SNIPPETS), position=st.sampled_from(["alone", "before", "after"]))
def test_tricky_yaml_constructs(snippet: str, position: str) -> None:
    with workspace() as repo:
        example = (repo / "release.yml").read_text()
        text = {"alone": snippet, "before": snippet + example, "after": example + snippet}[position]
        (repo / "release.yml").write_text(text, encoding="utf-8", errors="surrogatepass")
        check(repo, "tricky yaml")


@RUN
@given(text=st.text(max_size=400))
def test_random_text(text: str) -> None:
    with workspace() as repo:
        (repo / "release.yml").write_text(text, encoding="utf-8", errors="surrogatepass")
        check(repo, "random text")


@RUN
@given(data=st.binary(max_size=400))
def test_random_bytes(data: bytes) -> None:
    with workspace() as repo:
        (repo / "release.yml").write_bytes(data)
        check(repo, "random bytes")


# -- broken referenced files ------------------------------------------------------------------

PNG = (ROOT / "examples" / "docs" / "img" / "overview.png").read_bytes()
JAR = (ROOT / "examples" / "target" / "timesheets-2.4.0.jar").read_bytes()


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


XML_BOMB = b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]><atlassian-plugin key="&d;"/>'  # noqa: E501
XXE = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><atlassian-plugin key="&e;"><plugin-info><version>2.4.0</version></plugin-info></atlassian-plugin>'  # noqa: E501
BAD_FILES: dict[str, Any] = {
    "zero bytes": b"",
    "truncated png": PNG[: len(PNG) // 2],
    "png header only": PNG[:8],
    "text": b"not an image at all\n",
    "jar that is not a zip": b"PK\x03\x04 this is not really a zip",
    "zip without descriptor": _zip({"META-INF/MANIFEST.MF": b"Manifest-Version: 1.0\n"}),
    "malformed descriptor": _zip({"atlassian-plugin.xml": b"<atlassian-plugin key="}),
    "entity bomb": _zip({"atlassian-plugin.xml": XML_BOMB}),
    "external entity": _zip({"atlassian-plugin.xml": XXE}),
    "huge descriptor": _zip(
        {
            "atlassian-plugin.xml": b"<atlassian-plugin key='k'>"
            + b"<x/>" * 500_000
            + b"</atlassian-plugin>"
        }
    ),
    "truncated jar": JAR[: len(JAR) // 2],
    "directory": "directory",
    "link outside": "link",
}
TARGETS = [
    "target/timesheets-2.4.0.jar",
    "docs/img/overview.png",
    "docs/img/h1-thumb.png",
    "docs/img/hero.png",
    "CHANGELOG.md",
]


@settings(RUN, max_examples=min(EXAMPLES, len(BAD_FILES) * len(TARGETS)))
@given(
    target=st.sampled_from(TARGETS),
    content=st.sampled_from(list(BAD_FILES)),
    command=st.sampled_from(["validate", "plan"]),
)
def test_broken_referenced_files(target: str, content: str, command: str) -> None:
    with workspace() as repo:
        path = repo / target
        path.unlink()
        data = BAD_FILES[content]
        if data == "directory":
            path.mkdir()
        elif data == "link":
            outside = repo.parent / "outside.bin"
            outside.write_bytes(JAR)
            path.symlink_to(outside)
        else:
            path.write_bytes(data)
        code, _ = check(repo, "broken files", command)
        if (
            target != "CHANGELOG.md"
            and content not in ("jar that is not a zip",)
            and target.endswith(".png")
        ):
            assert code == 3


GENERATORS = {"mutated example", "extra keys", "tricky yaml", "random text", "random bytes"}


def test_case_counts() -> None:
    """Runs last in its file: every generator produced its share. Checked only where all five
    ran in this process: pytest-xdist may hand some of them to another worker."""
    if COUNTS.keys() >= GENERATORS:
        assert sum(COUNTS[k] for k in GENERATORS) >= EXAMPLES * 5, COUNTS
