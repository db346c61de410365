"""How the sandbox behaves where the real Marketplace is undocumented or slow to test.

Every default mirrors the real service as far as it is known; docs/sandbox.md lists the guesses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

IMAGE_TYPES = (
    "banner",
    "hero",
    "icon",
    "logo",
    "screenshot",
    "screenshot-thumbnail",
    "title-logo",
)

# GUESS: Marketplace documents no byte limits per image type, only that the type "determines the
# allowable image size". These are generous for the documented pixel sizes (logo 144x144,
# banner 1120x548) and small enough to exercise "File size exceeds maximum limit".
DEFAULT_IMAGE_MAX_BYTES: Mapping[str, int] = MappingProxyType(
    {
        "banner": 2_000_000,
        "hero": 5_000_000,
        "icon": 1_000_000,
        "logo": 1_000_000,
        "screenshot": 5_000_000,
        "screenshot-thumbnail": 1_000_000,
        "title-logo": 1_000_000,
    }
)

# LIVE (marketplace-api.md, "live observations"): both forms of a field error are answered.
MESSAGE_FORMS = ("spec", "field", "mixed")
LINK_STYLES = ("intact", "no-prefix", "doubled", "v2", "other-host")
RETRY_AFTER_FORMS = ("seconds", "http-date", "absent")
RATE_LIMIT_BODIES = ("error", "empty")
EXTENSION_CHECKS = ("off", "matching", "listed")
# DOC (declaring-marketing-assets-for-server-apps): the only documented pixel sizes.
DEFAULT_IMAGE_DIMENSIONS: Mapping[str, tuple[int, int]] = MappingProxyType(
    {"logo": (144, 144), "banner": (1120, 548)}
)

VERSION_STATES = (
    "draft",
    "submitted",
    "approved",
    "auto-approved",
    "active",
    "rejected",
    "archived",
)


@dataclass(frozen=True)
class SandboxSettings:
    """Knobs for one sandbox; the defaults are the real service's documented limits."""

    upload_spacing: float = 10.0
    """Seconds between the end of one artifact upload and the start of the next (per account)."""
    budget_bytes: int = 750_000_000
    """Artifact bytes one account may upload per `budget_window` ("~750 MB per 2-hour period")."""
    budget_window: float = 7200.0
    rate_limit_status: int = 429
    """GUESS: the real status for a spacing/budget breach is undocumented."""
    max_artifact_bytes: int = 250_000_000
    """413 above this many bytes ("Maximum individual artifact size: 250 MB")."""
    auto_create_apps: bool = False
    """Create unknown app keys for the calling account on lookup (rehearsals with your own key)."""
    image_id_format: str = "uuid"
    """"uuid" (what listing fields declare) or "prefixed" (img-..., like the upload example)."""
    control_api: bool = True
    """Serve /_sandbox/ (journal, state, faults) without authentication; loopback only."""
    spacing_applies_to_fetch: bool = True
    """GUESS: whether /artifacts/fetch counts for spacing and budget is undocumented."""
    created_version_state: str = "submitted"
    """GUESS: the state a new version gets is undocumented."""
    image_max_bytes: Mapping[str, int] = field(default_factory=lambda: DEFAULT_IMAGE_MAX_BYTES)
    fetch_timeout: float = 10.0
    """Seconds to wait for the remote server in /artifacts/fetch."""
    seed: int = 0
    """Seeds every random choice (shuffled orders, mixed message forms): runs are repeatable."""
    version_order: str = "shuffled"
    """GUESS: app-software version lists carry no order guarantee; "newest-first" is friendlier."""
    validation_messages: str = "mixed"
    """LIVE: "Invalid value for x. ..." (spec) and "Invalid value for field 'x': ..." (field)."""
    link_style: str = "intact"
    """LIVE: links.next without /rest/3, doubled segments, leftover /rest/2, another host."""
    foreign_link_root: str = "http://marketplace.invalid"
    """Where "other-host" links point (a test passes a recording server of its own)."""
    max_page_size: int = 50
    """The most items a page holds whatever `limit` asks for (a smaller cap forces paging)."""
    retry_after: str = "seconds"
    """GUESS: the Retry-After form of a spacing/budget breach (seconds, http-date, absent)."""
    rate_limit_body: str = "error"
    """GUESS: an ErrorResponse ("error") or no body ("empty") on a spacing/budget breach."""
    artifact_change_states: tuple[str, ...] = ("draft",)
    """GUESS: version states in which a PUT may swap frameworkDetails.attributes.artifactId."""
    readback_defaults: bool = True
    """GUESS: GET answers add defaults (bonTermsSupported false, empty lists), trimmed text."""
    image_extension_check: str = "matching"
    """GUESS: the file name's extension must name the sniffed format ("off": content only)."""
    image_dimensions: Mapping[str, tuple[int, int]] = field(
        default_factory=lambda: DEFAULT_IMAGE_DIMENSIONS
    )
    """DOC: exact pixel sizes per image type (logo 144x144, banner 1120x548); others unchecked."""

    def __post_init__(self) -> None:
        if self.image_id_format not in ("uuid", "prefixed"):
            raise ValueError("image_id_format must be 'uuid' or 'prefixed'")
        if self.created_version_state not in VERSION_STATES:
            raise ValueError(f"created_version_state must be one of {', '.join(VERSION_STATES)}")
        if not 400 <= self.rate_limit_status <= 599:
            raise ValueError("rate_limit_status must be an HTTP error status (400-599)")
        if self.upload_spacing < 0 or self.budget_window <= 0 or self.budget_bytes <= 0:
            raise ValueError("upload_spacing, budget_window and budget_bytes must be positive")
        if self.max_artifact_bytes <= 0:
            raise ValueError("max_artifact_bytes must be positive")
        self._check_choices()
        unknown = set(self.image_max_bytes) - set(IMAGE_TYPES) | (
            set(self.image_dimensions) - set(IMAGE_TYPES)
        )
        if unknown:
            raise ValueError(f"image limits name unknown image types: {sorted(unknown)}")
        if not 1 <= self.max_page_size <= 50:
            raise ValueError("max_page_size must be between 1 and 50")

    def _check_choices(self) -> None:
        for name, value, allowed in (
            ("version_order", self.version_order, ("shuffled", "newest-first")),
            ("validation_messages", self.validation_messages, MESSAGE_FORMS),
            ("link_style", self.link_style, LINK_STYLES),
            ("retry_after", self.retry_after, RETRY_AFTER_FORMS),
            ("rate_limit_body", self.rate_limit_body, RATE_LIMIT_BODIES),
            ("image_extension_check", self.image_extension_check, EXTENSION_CHECKS),
        ):
            if value not in allowed:
                raise ValueError(f"{name} must be one of {', '.join(allowed)}")
        if not set(self.artifact_change_states) <= set(VERSION_STATES):
            raise ValueError(f"artifact_change_states must be among {', '.join(VERSION_STATES)}")

    def image_limit(self, image_type: str) -> int:
        return self.image_max_bytes.get(image_type, DEFAULT_IMAGE_MAX_BYTES[image_type])
