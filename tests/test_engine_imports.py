"""The engine must stay usable without the TUI: importing it never loads textual."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import engine

ROOT = Path(__file__).resolve().parent.parent


def _engine_modules() -> list[str]:
    return [
        info.name
        for info in pkgutil.walk_packages(engine.__path__, prefix="engine.")
        if not info.name.endswith("__main__")
    ]


def test_the_engine_has_modules_to_check() -> None:
    assert "engine.store" in _engine_modules()


def test_importing_every_engine_module_never_loads_textual() -> None:
    imports = "; ".join(f"import {name}" for name in _engine_modules())
    code = f"import sys; {imports}; print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
