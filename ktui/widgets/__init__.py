"""ktui's widgets."""
