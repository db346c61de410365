"""The OSGi Import-Package check against the host jars' Export-Package headers, read from real
jar manifests (wrapped at 72 bytes as the jar tool writes them)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from tests.bytecode.conftest import World, verify
from tests.bytecode.test_bad_input import ARTIFACT, _rewrite
from tests.support.java import jar
from tests.support.publisher import Release


def _imports(workspace: Release, host: Path) -> list[tuple[str, str, str | None]]:
    flags = ["--against", f"jira=10.0.0:{host}", "--json"]
    run = verify("compat", "verify", str(workspace.path), *flags)
    assert "Traceback" not in run.text
    found = json.loads(run.out)["hosts"][0]["imports"]
    return [(i["package"], i["problem"], i["version_range"]) for i in found]


def _manifest(workspace: Release, imports: str) -> None:
    with zipfile.ZipFile(workspace.root / ARTIFACT) as old:
        text = old.read("META-INF/MANIFEST.MF").decode()
    kept = [line for line in text.split("\r\n") if line and not line.startswith((" ", "Import"))]
    wrapped = "Import-Package: " + imports
    lines = [wrapped[:72]] + [" " + wrapped[i : i + 71] for i in range(72, len(wrapped), 71)]
    _rewrite(workspace, {"META-INF/MANIFEST.MF": "\r\n".join(kept + lines) + "\r\n"})


def test_the_wrapped_import_header_of_the_plugin_is_read_whole(
    world: World, workspace: Release
) -> None:
    with zipfile.ZipFile(world.plugin) as plugin:
        assert "\r\n " in plugin.read("META-INF/MANIFEST.MF").decode()  # really wrapped
    assert _imports(workspace, world.host_v1) == []
    assert _imports(workspace, world.host_v2) == [
        ("com.example.host", "version", "[1.0,2.0)"),
        ("javax.servlet.http", "not-exported", None),
    ]


def test_ranges_bounds_and_a_bad_range(world: World, workspace: Release) -> None:
    _manifest(
        workspace,
        'com.example.host;version="[1.0.0,1.0.0]",javax.servlet.http;version="(4.0.1,5)",'
        'com.example.other;version="[1.0",org.osgi.framework;resolution:=optional,'
        "javax.xml.parsers,com.example.plugin",
    )
    assert _imports(workspace, world.host_v1) == [
        ("javax.servlet.http", "version", "(4.0.1,5)"),  # 4.0.1 itself is excluded
        ("com.example.other", "bad-range", "[1.0"),
    ]


def test_a_package_with_classes_but_no_export_is_a_warning_not_an_error(
    world: World, workspace: Release, tmp_path: Path
) -> None:
    classes = tmp_path / "classes"
    with zipfile.ZipFile(world.host_v1) as host:
        host.extractall(classes)
    (classes / "META-INF" / "MANIFEST.MF").unlink()
    bare = jar(tmp_path / "bare" / "host.jar", classes)  # no Export-Package at all
    flags = ["--against", f"jira=10.0.0:{bare}", "--json"]
    run = verify("compat", "verify", str(workspace.path), *flags)
    document = json.loads(run.out)
    problems = {i["package"]: i["problem"] for i in document["hosts"][0]["imports"]}
    assert problems == {"com.example.host": "unversioned", "javax.servlet.http": "unversioned"}
    assert run.code == 0 and document["result"] == "compatible"
