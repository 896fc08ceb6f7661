"""engine/registry: the one registry of kinds (DESIGN.md). See docs/registry.md.

registry = builtin_registry()
rt = registry.lookup("apps", "v1", "deployments")
rt.key("default", "web")          # "/registry/deployments/default/web"
rt.strategy.default(obj); rt.strategy.validate(obj)
"""

from __future__ import annotations

from .builtin import builtin_kinds, builtin_registry
from .field_errors import FieldError
from .registry import Registry
from .strategy import Strategy
from .types import (
    BACKGROUND,
    FOREGROUND,
    ORPHAN,
    STANDARD_VERBS,
    Conversion,
    ResourceType,
    ScaleMapping,
    Subresource,
)

__all__ = [
    "BACKGROUND",
    "FOREGROUND",
    "ORPHAN",
    "STANDARD_VERBS",
    "Conversion",
    "FieldError",
    "Registry",
    "ResourceType",
    "ScaleMapping",
    "Strategy",
    "Subresource",
    "builtin_kinds",
    "builtin_registry",
]
