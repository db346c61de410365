"""Host jars v1 and v2 and a plugin jar, compiled from real Java once per test session.

v2, against v1: removes IssueService.deleteIssue, removes the class LegacyHelper, moves
javax.servlet to jakarta.servlet, deprecates IssueService.findIssue, moves BaseAction.getText up
into a new superclass (it still resolves), and exports com.example.host at 2.0.0 instead of 1.0.0.
The plugin bundles a library (META-INF/lib/) that refers to a class neither host has.
"""

from __future__ import annotations

import contextlib
import io
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from publisher.cli import main
from tests.support.artifacts import PLUGIN_XML
from tests.support.java import compile_java, jar
from tests.support.publisher import Release, Run

ANNOTATIONS = {
    "com/atlassian/annotations/Internal.java": (
        "package com.atlassian.annotations;\n"
        "@java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.CLASS)\n"
        "public @interface Internal {}\n"
    ),
    "com/atlassian/annotations/ExperimentalApi.java": (
        "package com.atlassian.annotations;\n"
        "@java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)\n"
        "public @interface ExperimentalApi {}\n"
    ),
}
_ISSUES = """package com.example.host;
public class IssueService {{
    public static int LIMIT = 10;
    {find_mark}public String findIssue(long id) {{ return "ISSUE-" + id; }}
    {delete}
    @com.atlassian.annotations.Internal public int count() {{ return 0; }}
    @com.atlassian.annotations.ExperimentalApi public void reindex() {{}}
}}
"""
HOST_V1 = {
    **ANNOTATIONS,
    "com/example/host/IssueService.java": _ISSUES.format(
        find_mark="", delete="public void deleteIssue(long id) {}"
    ),
    "com/example/host/LegacyHelper.java": (
        "package com.example.host;\n"
        'public class LegacyHelper { public static String help() { return ""; } }\n'
    ),
    "com/example/host/BaseAction.java": (
        "package com.example.host;\n"
        "public abstract class BaseAction { public String getText(String key) { return key; } }\n"
    ),
    "javax/servlet/http/HttpServletRequest.java": (
        "package javax.servlet.http;\n"
        "public interface HttpServletRequest { String getParameter(String name); }\n"
    ),
}
HOST_V2 = {
    **ANNOTATIONS,
    "com/example/host/IssueService.java": _ISSUES.format(find_mark="@Deprecated ", delete=""),
    "com/example/host/ActionSupport.java": (
        "package com.example.host;\n"
        "public abstract class ActionSupport {\n"
        "    public String getText(String key) { return key; }\n}\n"
    ),
    "com/example/host/BaseAction.java": (
        "package com.example.host;\npublic abstract class BaseAction extends ActionSupport {}\n"
    ),
    "jakarta/servlet/http/HttpServletRequest.java": (
        "package jakarta.servlet.http;\n"
        "public interface HttpServletRequest { String getParameter(String name); }\n"
    ),
}
LIBRARY = {
    "com/example/lib/Shout.java": (
        "package com.example.lib;\n"
        "public class Shout {\n"
        "    public static String shout(String s) { return s.toUpperCase(); }\n"
        "    public static Object elsewhere() { return new com.example.absent.Thing(); }\n"
        "}\n"
    ),
    "com/example/absent/Thing.java": "package com.example.absent;\npublic class Thing {}\n",
}
PLUGIN = {
    "com/example/plugin/SearchAction.java": """package com.example.plugin;
import com.example.host.BaseAction;
import javax.servlet.http.HttpServletRequest;
public class SearchAction extends BaseAction {
    public String run(HttpServletRequest request) throws Exception {
        java.util.List<String> found = new java.util.ArrayList<>();
        found.add(getText(request.getParameter("q")));
        javax.crypto.Cipher.getInstance("AES");
        return com.example.lib.Shout.shout(found.toString()) + hashCode();
    }
}
""",
    "com/example/plugin/Tickets.java": """package com.example.plugin;
import com.example.host.IssueService;
import com.example.host.LegacyHelper;
public class Tickets {
    private final IssueService issues = new IssueService();
    public String show(long id) { return issues.findIssue(id) + IssueService.LIMIT; }
    public void close(long id) { issues.deleteIssue(id); }
    public int total() { return issues.count(); }
    public void rebuild() { issues.reindex(); }
    public String legacy() { return LegacyHelper.help() + new Helper().name(); }
    class Helper { String name() { return "inner"; } }
}
""",
}
# Longer than a manifest line: the jar writer wraps it in the middle of com.example.host.
IMPORTS = (
    "com.example.optional;resolution:=optional,javax.crypto,"
    'com.example.host;version="[1.0,2.0)",javax.servlet.http'
)


@dataclass(frozen=True)
class World:
    host_v1: Path
    host_v2: Path
    plugin: Path  # the artifact: atlassian-plugin.xml, its classes, META-INF/lib/shout.jar


def build_world(root: Path, key: str = "com.example.timesheets", version: str = "2.4.0") -> World:
    v1 = compile_java(HOST_V1, root / "v1")
    v2 = compile_java(HOST_V2, root / "v2")
    exports_v1 = 'com.example.host;version="1.0.0",javax.servlet.http;version="4.0.1"'
    exports_v2 = 'com.example.host;version="2.0.0",jakarta.servlet.http;version="5.0.0"'
    host_v1 = jar(root / "hosts" / "1.0" / "host.jar", v1, manifest={"Export-Package": exports_v1})
    host_v2 = jar(root / "hosts" / "2.0" / "host.jar", v2, manifest={"Export-Package": exports_v2})
    # One javac run for the plugin and its library; the library's Thing goes into no jar.
    compiled = compile_java({**LIBRARY, **PLUGIN}, root / "plugin", classpath=[v1])
    shout = jar(root / "shout.jar", compiled, only="com/example/lib/")
    xml = PLUGIN_XML.format(key=key, name="Timesheets", version=version, licensing="true")
    plugin = jar(
        root / "target" / f"timesheets-{version}.jar",
        compiled,
        only="com/example/plugin/",
        manifest={"Bundle-SymbolicName": key, "Import-Package": IMPORTS},
        files={"atlassian-plugin.xml": xml, "META-INF/lib/shout.jar": shout.read_bytes()},
    )
    return World(host_v1, host_v2, plugin)


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return build_world(tmp_path_factory.mktemp("java"))


@pytest.fixture
def workspace(world: World, tmp_path: Path) -> Release:
    """examples/ copied in, its release.yml's artifact being the compiled plugin."""
    release = Release(tmp_path / "repo")
    target = release.root / "target" / "timesheets-2.4.0.jar"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(world.plugin, target)
    return release


def verify(*argv: str, env: dict[str, str] | None = None) -> Run:
    """The real CLI, in-process, with nothing in the environment: no account, no network."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv), env or {})
    return Run(code, out.getvalue(), err.getvalue())
