"""Every error a user can hit: a named type, an exit code, and advice on what to do next."""

from __future__ import annotations

from enum import IntEnum

TYPE_CHECKING = False  # typing's, without importing typing (`--version` loads this module)
if TYPE_CHECKING:
    from publisher.diagnostics import Diagnostic


class ExitCode(IntEnum):
    """Process exit codes, distinct by cause. Each carries its meaning in three lengths, the one
    place they are written: `label` for the `--help` list, `why` for a job summary's "Failed, ..."
    heading, `meaning` for the README's table (a test holds the README to it). A signal ends the
    process with 128 + its number."""

    label: str
    why: str
    meaning: str

    def __new__(cls, code: int, label: str, why: str, meaning: str) -> ExitCode:
        member = int.__new__(cls, code)
        member._value_ = code
        member.label, member.why, member.meaning = label, why, meaning
        return member

    OK = 0, "ok", "", "done (or nothing to do)"
    UNEXPECTED = (
        1,
        "unexpected",
        "unexpected error (a bug)",
        "unexpected error: a bug, please report it",
    )
    USAGE = 2, "usage", "wrong command line", "wrong command line or API root"
    INVALID_CONFIG = (
        3,
        "invalid release.yml",
        "invalid release.yml",
        "release.yml (or a file it names) is invalid, or there is no release file at the path "
        'given ("release file not found")',
    )
    AUTH = (
        4,
        "authentication",
        "credentials refused",
        "credentials refused, or the account may not act on this app (401/403)",
    )
    RATE_LIMITED = (
        5,
        "rate/quota limit",
        "upload limit reached",
        "upload budget or rate limit reached: wait and re-run",
    )
    REJECTED = (
        6,
        "rejected by Marketplace",
        "rejected by Marketplace",
        "Marketplace rejected a request (a 4xx with a reason; the message names the release.yml "
        "key)",
    )
    PARTIAL = (
        7,
        "partial publish (re-run to finish)",
        "stopped part-way",
        "partially published (some hostings or steps were done, and are kept): re-run to finish, "
        "after fixing the release.yml line named when the cause is one",
    )
    UNAVAILABLE = (
        8,
        "Marketplace unavailable",
        "Marketplace unavailable",
        "Marketplace unreachable, its TLS certificate refused (not retried), or answering 5xx "
        "after retries: nothing was half-done",
    )
    STATE_DIR = (
        9,
        "state directory unusable",
        "state directory unusable",
        "the state directory cannot be used (not a directory, read-only, full, a link planted in "
        "it): checked before anything is sent; or a lock in it stayed held by another process "
        "until the run's deadline",
    )
    ARTIFACT_DIFFERS = (
        10,
        "artifact differs",
        "the live version has another artifact",
        "an existing version has another artifact (both checksums shown): nothing was sent; "
        "`--replace-artifact` to swap it",
    )
    COMPAT_BEHIND = (
        11,
        "compat behind",
        "host versions above the live max",
        "`compat check`: the host product has versions above the live version's max",
    )
    COMPAT_BREAKS = (
        12,
        "compat breaks",
        "a host version would break",
        "`compat verify`: a host version lacks classes, methods or fields the artifact uses, or "
        "exports no package it imports in the range required, or could not be fully checked",
    )
    SERVED_DIFFERS = (
        13,
        "served artifact differs",
        "Marketplace serves other bytes than were published",
        "`verify`: what Marketplace serves for the version is not what was published (the local "
        "file, the receipt or Marketplace's own `fileInfo.checksum`; both checksums shown)",
    )
    INTERRUPTED = (
        130,
        "interrupted (SIGINT)",
        "interrupted",
        "interrupted (Ctrl-C / SIGINT): the run stopped cleanly where it was; what was done is "
        "reported (result `interrupted`) and kept in the journal: re-run the same command to "
        "finish",
    )
    TERMINATED = (
        143,
        "terminated (SIGTERM)",
        "terminated",
        "terminated (SIGTERM, e.g. a cancelled CI job or `docker stop`): handled exactly like 130",
    )


class PublisherError(Exception):
    """Base of every expected failure. `advice` says what to do next."""

    exit_code: ExitCode = ExitCode.UNEXPECTED
    title = "error"

    def __init__(
        self,
        message: str,
        *,
        advice: str | None = None,
        diagnostics: tuple[Diagnostic, ...] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        self.advice = advice
        self.diagnostics = diagnostics  # located in release.yml, for annotations

    def __str__(self) -> str:
        return self.message if not self.advice else f"{self.message}\n  hint: {self.advice}"


class UsageError(PublisherError):
    exit_code = ExitCode.USAGE
    title = "usage error"


class ConfigError(PublisherError):
    """A release.yml problem; detailed, located diagnostics travel with it."""

    exit_code = ExitCode.INVALID_CONFIG
    title = "invalid configuration"


class CredentialsError(PublisherError):
    exit_code = ExitCode.AUTH
    title = "credentials"


class RateLimitError(PublisherError):
    exit_code = ExitCode.RATE_LIMITED
    title = "upload limit"


class UnavailableError(PublisherError):
    exit_code = ExitCode.UNAVAILABLE
    title = "Marketplace unavailable"


class PartialPublishError(PublisherError):
    exit_code = ExitCode.PARTIAL
    title = "partially published"


class RejectedError(PublisherError):
    """Marketplace refused a request for a reason the user must fix (a 4xx with a message)."""

    exit_code = ExitCode.REJECTED
    title = "rejected by Marketplace"


class VerificationError(PublisherError):
    """What Marketplace stored differs from what we sent (checksum, app key, version)."""

    exit_code = ExitCode.REJECTED
    title = "verification failed"


class ArtifactDiffersError(PublisherError):
    """An existing version has another artifact; it is replaced only with --replace-artifact."""

    exit_code = ExitCode.ARTIFACT_DIFFERS
    title = "artifact differs"
