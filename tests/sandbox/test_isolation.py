"""publisher.sandbox imports nothing from the rest of publisher (no shared misunderstandings).

The static rule (no import statement in publisher/sandbox/ names the rest of publisher) is the
sandbox's row of the room table in tests/test_layers.py; this file checks what actually loads.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import publisher.sandbox

PACKAGE = Path(publisher.sandbox.__file__).parent


def test_importing_the_sandbox_loads_no_other_publisher_module() -> None:
    code = (
        "import sys, publisher.sandbox; "
        "print(sorted(m for m in sys.modules if m.startswith('publisher') "
        "and not m.startswith('publisher.sandbox') and m != 'publisher'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_bundled_data_files_ship_with_the_package() -> None:
    assert (PACKAGE / "parent_software.json").is_file()
    assert (PACKAGE / "default_seed.yml").is_file()
