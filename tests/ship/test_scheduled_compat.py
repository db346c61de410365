"""examples/.github/workflows/scheduled-compat.yml (#22), run by `act` offline, end to end: a new
host version appears in the sandbox Marketplace -> `compat check` finds it -> its jars are fetched
from a loopback download server (real javac-compiled host jars in a tar.gz laid out like Jira's)
and cached as a surface file -> `compat verify` -> green: `compat bump --write-config` and the pull
request's payload (the pushed branch and the `gh pr create` body); red: the issue's body.

What act cannot do offline is replaced, and only that, in a copy of the example: the pip install
of the pinned commit becomes this checkout's virtual environment on PATH (the pin itself is tested
by test_examples.py / test_scheduled_examples.py), `./mvnw` is a script that leaves the compiled
plugin where release.yml says, `gh` is a script recording its arguments and body file, `git push`
goes to a local bare repository, and actions/cache is the tar-file stand-in (standins/cache).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from publisher.sandbox import Sandbox, SandboxSettings
from tests.bytecode.conftest import World, build_world
from tests.e2e.aftercare import JIRA
from tests.ship.actrun import finished, needs_act, run_act
from tests.support.fileserver import file_server
from tests.support.publisher import SPACING, Publisher, Release, versions

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).parent
WORKFLOW = ".github/workflows/scheduled-compat.yml"
INSTALL = re.compile(r"(- name: Install mpac-publisher\n(?: {8}#.*\n)* +run: \|\n)((?: {10}.*\n)+)")
CACHE = "actions/cache@5a3ec84eff668545956fd18022155c47e93e2684"
NEW_JIRA, NEW_BUILD = "10.8.0", 1008000
BRANCH = f"mpac/compat-jira-{NEW_JIRA}"
GH = """#!/bin/sh
# stand-in gh: records each call's arguments and the --body-file it names
n=$(ls "$RECORD_DIR" | grep -c '^gh-')
printf '%s\\n' "$@" >"$RECORD_DIR/gh-$n.txt"
while [ $# -gt 0 ]; do
  if [ "$1" = --body-file ]; then cp "$2" "$RECORD_DIR/gh-$n.body"; fi
  shift
done
"""


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return build_world(tmp_path_factory.mktemp("java"))


def _behind(tmp: Path, world: World, sandbox: Sandbox) -> Release:
    """The compiled plugin published with max 10.7.0; then Jira 10.8.0 comes out."""
    release = Release(tmp / "repo")
    shutil.copyfile(world.plugin, release.root / "target" / "timesheets-2.4.0.jar")
    release.edit("max: 10.3.0", "max: 10.7.0")
    published = Publisher(sandbox, release, tmp / "state")("publish")
    assert published.code == 0, published.text
    sandbox.add_parent_version(JIRA, NEW_BUILD, NEW_JIRA, ["datacenter"])
    return release


def _offline(release: Release, tmp: Path) -> None:
    """The example, with only what needs the network (or a JDK build) replaced."""
    workflow = release.root / WORKFLOW
    on_path = " " * 10 + f'echo "{Path(sys.executable).parent}" >>"$GITHUB_PATH"\n'
    text, replaced = INSTALL.subn(lambda m: m[1] + on_path, workflow.read_text())
    assert replaced == 1
    workflow.write_text(text)
    mvnw = release.root / "mvnw"
    mvnw.write_text('#!/bin/sh\ntest -f target/timesheets-2.4.0.jar && echo "stand-in mvnw"\n')
    mvnw.chmod(0o755)
    tools = tmp / "bin"
    tools.mkdir()
    (tools / "gh").write_text(GH)
    (tools / "gh").chmod(0o755)
    remote = tmp / "origin.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True, timeout=60)
    for argv in (
        ["init", "-q", "-b", "main"],
        ["remote", "add", "origin", str(remote)],
        ["add", "-A"],
        ["-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "x"],
        ["push", "-q", "origin", "main"],
    ):
        subprocess.run(["git", *argv], cwd=release.root, check=True, timeout=60)


def _host_download(root: Path, host_jar: Path) -> Path:
    """A tar.gz laid out like Jira's distribution: the host jar under WEB-INF/lib, a bundled
    plugin (a manifest only) under WEB-INF/atlassian-bundled-plugins, and files never extracted."""
    root.mkdir(exist_ok=True)
    bundled = root / "bundled.jar"
    with zipfile.ZipFile(bundled, "w") as plugin:
        plugin.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\n")
    top = f"atlassian-jira-software-{NEW_JIRA}-standalone"
    with tarfile.open(root / f"jira-{NEW_JIRA}.tar.gz", "w:gz") as out:
        out.add(host_jar, f"{top}/atlassian-jira/WEB-INF/lib/host.jar")
        out.add(bundled, f"{top}/atlassian-jira/WEB-INF/atlassian-bundled-plugins/bundled.jar")
        out.add(bundled, f"{top}/bin/bootstrap.jar")
    bundled.unlink()
    return root


def _act(release: Release, sandbox: Sandbox, downloads: str, tmp: Path) -> str:
    records = tmp / "records"
    records.mkdir(exist_ok=True)
    user, token = sandbox.credentials
    done = run_act(
        "workflow_dispatch",
        WORKFLOW,
        release.root,
        tmp,
        variables={
            "MPAC_API_URL": sandbox.url,
            "HOST_DOWNLOAD_URL": downloads + "/jira-{version}.tar.gz",
        },
        secrets={"MPAC_USER": user, "MPAC_TOKEN": token},
        env={
            "RECORD_DIR": str(records),
            "STANDIN_CACHE_DIR": str(tmp / "runner-cache"),
            "PATH": f"{tmp / 'bin'}:/usr/local/bin:/usr/bin:/bin",
        },
        more=["--local-repository", f"{CACHE}={HERE / 'standins' / 'cache'}"],
    )
    return finished(done, tmp / "act.log", token)


def _git(release: Release, *argv: str) -> str:
    done = subprocess.run(
        ["git", "--git-dir", str(release.root.parent / "origin.git"), *argv],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout


def _sandbox() -> Sandbox:
    return Sandbox(settings=SandboxSettings(upload_spacing=SPACING), port=0)


@pytest.mark.slow
@pytest.mark.timeout(900)
@needs_act
def test_a_new_host_version_that_verifies_green_ends_in_a_pull_request_raising_max(
    tmp_path: Path, world: World
) -> None:
    with _sandbox() as sandbox:
        release = _behind(tmp_path, world, sandbox)
        _offline(release, tmp_path)
        with file_server(_host_download(tmp_path / "downloads", world.host_v1)) as url:
            log = _act(release, sandbox, url, tmp_path)
        live = versions(sandbox.state())

    assert f"newer: jira {NEW_JIRA}" in log
    assert "PLACEHOLDER: run your tests against jira 10.8.0 here" in log
    assert max(v["compatibilities"][0]["maxBuildNumber"] for v in live.values()) == NEW_BUILD
    # The pull request: a pushed branch changing only release.yml's max, and gh's body.
    diff = _git(release, "diff", "main", BRANCH, "--", ".")
    changed = [x for x in diff.splitlines() if x[:1] in "+-" and x[:3] not in ("+++", "---")]
    assert changed == ["-    max: 10.7.0", f"+    max: {NEW_JIRA}"], diff
    records = tmp_path / "records"
    calls = {p.name: p.read_text().splitlines() for p in sorted(records.glob("gh-*.txt"))}
    assert ["auth", "setup-git"] in calls.values()
    (pr,) = [(n, c) for n, c in calls.items() if c[:2] == ["pr", "create"]]
    assert pr[1][2:6] == ["--head", BRANCH, "--title", f"Compatibility: jira {NEW_JIRA}"]
    body = (records / pr[0].replace(".txt", ".body")).read_text()
    patch, report = (json.loads(b) for b in re.findall(r"```json\n(.*?)\n```", body, re.S))
    assert [h["action"] for h in patch] == ["raised"]
    assert {"op": "replace", "value": NEW_BUILD}.items() <= patch[0]["patch"][0].items()
    assert [(h["product"], h["version"], h["result"]) for h in report] == [
        ("jira", NEW_JIRA, "compatible")
    ]
    assert not [c for c in calls.values() if c[:1] == ["issue"]]


@pytest.mark.slow
@pytest.mark.timeout(900)
@needs_act
def test_a_new_host_version_that_breaks_ends_in_an_issue_and_its_jars_are_fetched_once(
    tmp_path: Path, world: World
) -> None:
    with _sandbox() as sandbox:
        release = _behind(tmp_path, world, sandbox)
        _offline(release, tmp_path)
        sandbox.clear_journal()
        downloads = _host_download(tmp_path / "downloads", world.host_v2)
        with file_server(downloads) as url:
            first = _act(release, sandbox, url, tmp_path)
            # The next week: the download is gone, the cached surface file is enough.
            (downloads / f"jira-{NEW_JIRA}.tar.gz").unlink()
            second = _act(release, sandbox, url, tmp_path)
        writes = [e for e in sandbox.journal() if e["method"] != "GET"]

    assert f"newer: jira {NEW_JIRA}" in first
    assert "cached: " not in first and f"cached: .host-surfaces/jira-{NEW_JIRA}.surface" in second
    assert "PLACEHOLDER" not in first + second  # red: the vendor's tests and the bump never run
    assert writes == []
    assert _git(release, "branch", "--list", "mpac/*") == ""
    records = tmp_path / "records"
    calls = [p.read_text().splitlines() for p in sorted(records.glob("gh-*.txt"))]
    assert [c[:2] for c in calls] == [["issue", "create"], ["issue", "create"]]
    assert calls[0][2:4] == ["--title", f"Compatibility: jira {NEW_JIRA} would break"]
    body = (records / "gh-0.body").read_text()
    assert f"## jira {NEW_JIRA}: breaks" in body
    assert "- `com.example.host.LegacyHelper` (missing-class), used by " in body
    assert "- `com.example.host.IssueService.deleteIssue(long)` (missing-method)" in body
    assert "- Import-Package `javax.servlet.http`: " in body
