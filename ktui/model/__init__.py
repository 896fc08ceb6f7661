"""ktui's model."""
