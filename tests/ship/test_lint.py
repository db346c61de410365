"""What users run in CI is valid: action.yml, the Dockerfile and every example CI file pass the
same linters and schemas the platforms use (offline: check-jsonschema, hadolint, zizmor)."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
WORKFLOWS = sorted((ROOT / "examples" / ".github" / "workflows").glob("*.yml"))
SCHEMAS = {
    "action.yml": "vendor.github-actions",
    "examples/.gitlab-ci.yml": "vendor.gitlab-ci",
    "examples/bitbucket-pipelines.yml": "vendor.bitbucket-pipelines",
    "examples/.circleci/config.yml": "vendor.circle-ci",
    **{str(w.relative_to(ROOT)): "vendor.github-workflows" for w in WORKFLOWS},
    ".github/workflows/release.yml": "vendor.github-workflows",  # the project's own release
}


def _run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=False)


@pytest.mark.parametrize("path", list(SCHEMAS))
def test_ci_files_match_their_platform_schema(path: str) -> None:
    done = _run(str(BIN / "check-jsonschema"), "--builtin-schema", SCHEMAS[path], path)
    assert done.returncode == 0, done.stdout + done.stderr


def test_dockerfile_passes_hadolint() -> None:
    done = _run(str(BIN / "hadolint"), "Dockerfile")
    assert done.returncode == 0, done.stdout + done.stderr


def test_action_and_workflows_pass_zizmor() -> None:
    files = ["action.yml", ".github/workflows/release.yml"]
    files += [str(w.relative_to(ROOT)) for w in WORKFLOWS]
    done = _run(str(BIN / "zizmor"), "--offline", *files)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No findings" in done.stdout + done.stderr


def test_every_action_input_is_mapped_through_env_and_never_expanded_in_a_script() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    steps = action["runs"]["steps"]
    mapped = " ".join(str(v) for step in steps for v in (step.get("env") or {}).values())
    mapped += " ".join(str(step.get("working-directory", "")) for step in steps)
    for name in action["inputs"]:
        assert f"inputs.{name}" in mapped, f"input {name} is not passed to the tool"
    for step in steps:
        assert "${{" not in step.get("run", ""), f"template expansion in a script: {step['name']}"
    outputs = set(action["outputs"])
    assert outputs == {
        "app",
        "build-number",
        "version",
        "artifact-id",
        "result",
        "marketplace-url",
        "version-api-url",
        "version-url",
        "artifact",
        "attestation-url",
    }


def test_examples_use_the_same_two_secrets() -> None:
    for path in [
        "examples/.gitlab-ci.yml",
        "examples/bitbucket-pipelines.yml",
        "examples/Jenkinsfile",
        "examples/.circleci/config.yml",
        *SCHEMAS,
    ]:
        text = (ROOT / path).read_text()
        if path in ("action.yml", ".github/workflows/release.yml"):  # not a user's example
            continue
        assert "MPAC_USER" in text or "MPAC_USR" in text, path
        assert "MPAC_TOKEN" in text or "MPAC_PSW" in text, path
    workflow = WORKFLOWS[0].read_text()
    assert re.search(r"concurrency:\n\s+group:", workflow)
    assert "dry-run: ${{ github.event_name == 'pull_request' }}" in workflow


def test_the_readme_documents_every_input_and_output_of_the_action() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("### GitHub Actions") : readme.index("### Docker image")]
    rows = {m for line in section.splitlines() for m in re.findall(r"`([\w-]+)`", line[:40])}
    assert set(action["inputs"]) <= rows, set(action["inputs"]) - rows
    assert set(action["outputs"]) <= rows, set(action["outputs"]) - rows


def test_the_image_labels_carry_the_package_version() -> None:
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert f'org.opencontainers.image.version="{version}"' in dockerfile
    assert 'org.opencontainers.image.licenses="Apache-2.0"' in dockerfile
