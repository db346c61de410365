"""What every handler gets: settings, state, the host-product catalogue, faults and the journal."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from publisher.sandbox.calllog import Journal
from publisher.sandbox.catalogue import Catalogue
from publisher.sandbox.faults import FaultBook
from publisher.sandbox.settings import SandboxSettings
from publisher.sandbox.state import Store


@dataclass(frozen=True)
class Context:
    settings: SandboxSettings
    store: Store
    catalogue: Catalogue
    faults: FaultBook
    journal: Journal
    workdir: Path  # uploads are spooled here while they are hashed and inspected
