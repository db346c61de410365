"""The action's build-provenance attestation of the published artifact (issue 23), around the
pinned actions/attest-build-provenance step: whether to attest, then what its answer means.

    python -m publisher.commands.attest check    # before: writes wanted=, permitted=, subject=
    python -m publisher.commands.attest record   # after: the URL into the receipt and summary

Attesting vouches for a release that is already on Marketplace, so nothing here ever fails the
job: a missing permission, a failed attest step or a receipt that cannot take the URL is one
`::warning::` line saying why and what to change, and the exit code is always 0.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from publisher.errors import PublisherError
from publisher.publish.receipt import read_receipt, write_receipt
from publisher.report import markdown
from publisher.secrets import secret_forms

# What the schema's attestation_url allows, and no whitespace (one annotation, one summary line).
_URL = re.compile(r"https://\S+")
PERMISSIONS = "permissions: {id-token: write, attestations: write} on the publishing job"
WARNING = "::warning title=mpac-publisher: not attested::"
UNRECORDED = "::warning title=mpac-publisher: attestation not recorded::"


def check(env: Mapping[str, str]) -> dict[str, str]:
    """Step outputs: `wanted` (a real publish of a local file, attest input true), `permitted`
    (the job may ask for an OIDC token) and `subject` (the file, absolute)."""
    command = " ".join(env.get("COMMAND", "").split()) or "publish"
    subject = env.get("ARTIFACT", "")
    wanted = (
        env.get("ATTEST") == "true"
        and command == "publish"
        and env.get("WRITES") == "true"  # not a dry run (a plan)
        and subject != ""  # a URL artifact: Marketplace fetched it, there is no file here
        and not any(c in subject for c in "\r\n")  # one `name=value` line of GITHUB_OUTPUT
    )
    # GitHub sets this only when the job has `id-token: write`; without it the attest action
    # can only fail, so it is not run at all.
    permitted = bool(env.get("ACTIONS_ID_TOKEN_REQUEST_URL"))
    return {
        "wanted": "true" if wanted else "false",
        "permitted": "true" if wanted and permitted else "false",
        "subject": subject if wanted else "",
    }


def record(env: Mapping[str, str]) -> list[str]:
    """The lines to print: the receipt and summary updated, or the one warning saying why not."""
    if env.get("PERMITTED") != "true":
        return [
            f"{WARNING}the published artifact was not attested: this job cannot request an "
            f"OIDC token (no id-token: write). To attest it, grant {PERMISSIONS}; to stop "
            "this warning, set the action's attest input to false. The release itself is done."
        ]
    url = env.get("ATTESTATION_URL", "").strip()
    if env.get("OUTCOME") != "success" or not _URL.fullmatch(url):
        outcome = _one_line(env.get("OUTCOME") or "unknown")
        return [
            f"{WARNING}attesting the published artifact failed (attest step: {outcome}); see "
            f"that step's log. It needs {PERMISSIONS}, and a public repository or GitHub "
            "Enterprise Cloud for a private one. The release itself is done; the receipt has "
            "no attestation_url."
        ]
    secrets = secret_forms(env.get("MPAC_USER"), env.get("MPAC_TOKEN"))
    if any(secret in url for secret in secrets):  # never printed, nor kept anywhere
        return [f"{WARNING}the attestation URL holds a credential: it was not recorded"]
    lines = [f"mpac-publisher: artifact attested: {url}"]
    receipt = env.get("MPAC_RECEIPT", "")
    if receipt:
        lines += _into_receipt(Path(receipt), url, secrets)
    summary = env.get("GITHUB_STEP_SUMMARY")
    if summary:
        try:
            with open(summary, "a", encoding="utf-8") as out:
                out.write(f"\n{markdown.text('Build provenance:')} {markdown.link(url, url)}\n")
        except OSError as exc:
            why = _one_line(str(exc))
            lines.append(f"{UNRECORDED}the job summary could not take the URL: {why}")
    return lines


def _into_receipt(path: Path, url: str, secrets: list[str]) -> list[str]:
    """The receipt rewritten with the URL (schema checked, scanned, atomic), or a warning."""
    try:
        document = read_receipt(path)
        document["attestation_url"] = url
        write_receipt(path, document, secrets)
    except PublisherError as problem:
        return [f"{UNRECORDED}the URL is not in the receipt: {_one_line(problem.message)}"]
    return [f"mpac-publisher: attestation_url recorded in the receipt {path}"]


def _one_line(value: str) -> str:
    """A value inside an annotation: no second workflow command can ride on it."""
    return value.replace("%", "%25").replace("\r", " ").replace("\n", " ")


def main(argv: Sequence[str], env: Mapping[str, str]) -> int:
    if list(argv) == ["check"]:
        found = check(env)
        output = env.get("GITHUB_OUTPUT")
        if output:
            with open(output, "a", encoding="utf-8") as handle:
                handle.writelines(f"{name}={value}\n" for name, value in found.items())
        return 0
    if list(argv) == ["record"]:
        for line in record(env):
            print(line, flush=True)
        return 0
    print("usage: python -m publisher.commands.attest check|record", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:], os.environ))
