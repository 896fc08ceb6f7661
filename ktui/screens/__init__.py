"""ktui's screens."""
