"""Every error a user can hit: a named type, an exit code, and advice on what to do next."""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from publisher.diagnostics import Diagnostic


class ExitCode(IntEnum):
    """Process exit codes, distinct by cause (documented in the README)."""

    OK = 0
    UNEXPECTED = 1  # a bug in mpac-publisher: please report it
    USAGE = 2  # wrong command line
    INVALID_CONFIG = 3  # release.yml (or a file it names) is invalid
    AUTH = 4  # 401/403: credentials or app ownership
    RATE_LIMITED = 5  # upload budget or rate limit: wait and re-run
    REJECTED = 6  # Marketplace refused a request (4xx with a reason)
    PARTIAL = 7  # some hostings/steps were done; a re-run finishes the rest
    UNAVAILABLE = 8  # Marketplace unreachable or 5xx after retries; nothing was half-done
    STATE_DIR = 9  # the state directory cannot be used (not a directory, read-only, full)
    ARTIFACT_DIFFERS = 10  # an existing version has another artifact; --replace-artifact to swap
    COMPAT_BEHIND = 11  # `compat check`: host versions were released above the live max
    INTERRUPTED = 130  # SIGINT (Ctrl-C); SIGTERM ends with 143 (128 + signal number)
    TERMINATED = 143


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
