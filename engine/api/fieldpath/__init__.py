"""Field sets and typed values as structured-merge-diff (server-side apply) has them.

root = root_node(group, version, kind)        # from the v1.32 OpenAPI schemas
fs = to_field_set(obj, root)                  # FieldSet of what obj specifies
fs.to_fields_v1() / FieldSet.from_fields_v1()  # the managedFields wire format
cmp = compare(old, new, root)                 # added / modified / removed
merged = merge(live, applied, root)           # apply's merge
pruned = remove_items(obj, fs, root)          # drop fields
"""

from __future__ import annotations

from .conflicts import Conflict, conflict_causes, conflict_message
from .elements import path_string
from .fieldset import FieldSet
from .merge import merge, remove_items
from .schema import Node, Types, builtin_types, root_node
from .typed import (
    MISSING,
    ZERO,
    Comparison,
    InvalidValue,
    compare,
    ensure_named_fields,
    to_field_set,
)

__all__ = [
    "MISSING",
    "ZERO",
    "Comparison",
    "Conflict",
    "conflict_causes",
    "conflict_message",
    "ensure_named_fields",
    "FieldSet",
    "InvalidValue",
    "Node",
    "Types",
    "builtin_types",
    "compare",
    "merge",
    "path_string",
    "remove_items",
    "root_node",
    "to_field_set",
]
