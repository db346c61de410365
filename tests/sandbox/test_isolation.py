"""publisher.sandbox imports nothing from the rest of publisher (no shared misunderstandings)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import publisher.sandbox

PACKAGE = Path(publisher.sandbox.__file__).parent


def test_no_imports_from_the_rest_of_publisher() -> None:
    offenders = []
    for module in sorted(PACKAGE.glob("*.py")):
        for node in ast.walk(ast.parse(module.read_text(), str(module))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [("." * node.level) + (node.module or "")]
            for name in names:
                inside = name.startswith("publisher.sandbox") or name.startswith(".")
                if (name.startswith("publisher") and not inside) or name == "publisher":
                    offenders.append(f"{module.name}: {name}")
    assert offenders == []


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
