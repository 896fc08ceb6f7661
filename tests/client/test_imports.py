"""ktui.client stands alone: importing all of it loads neither textual nor the engine."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import ktui.client

ROOT = Path(__file__).resolve().parents[2]


def test_client_modules_never_load_textual_or_engine() -> None:
    names = [i.name for i in pkgutil.walk_packages(ktui.client.__path__, prefix="ktui.client.")]
    assert "ktui.client.informer" in names
    imports = "; ".join(f"import {name}" for name in ["ktui.client", *names])
    code = (
        f"import sys; {imports}; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'textual', 'engine', 'kubernetes'}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
