"""`python -m ktui` — the same as the `ktui` command."""

from __future__ import annotations

import sys

from ktui.cli import main

if __name__ == "__main__":
    sys.exit(main())
