"""The built-in kinds, declared once each (see engine/registry/builtin.py)."""
