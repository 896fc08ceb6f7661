"""The actions and the edit model are usable without the TUI: they never import textual."""

from __future__ import annotations

import subprocess
import sys


def test_actions_and_models_do_not_import_textual() -> None:
    code = (
        "import sys, ktui.actions, ktui.model.diff, ktui.model.yaml_edit; "
        "sys.exit('textual' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
