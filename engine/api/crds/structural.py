"""Pruning and defaulting of custom resources by their structural schema.

As apiextensions-apiserver's `structuralpruning.Prune` and `structuraldefaulting.Default`:
fields the schema does not declare are dropped (unless an enclosing schema has
`x-kubernetes-preserve-unknown-fields`; `x-kubernetes-embedded-resource` objects keep
apiVersion, kind and metadata); absent fields with a `default` get it, depth first, on
every write and on every read (so objects stored before a default existed show it).
"""

from __future__ import annotations

import copy
from typing import Any

Schema = dict[str, Any]
_ROOT_KEEP = ("apiVersion", "kind", "metadata")
_EMBEDDED_KEEP = ("apiVersion", "kind", "metadata")


def prune(obj: dict[str, Any], schema: Schema | None) -> list[str]:
    """Drop undeclared fields of a whole object in place; the pruned paths, in order."""
    if not schema:
        return []
    pruned: list[str] = []
    _prune_object(obj, schema, "", pruned, keep=_ROOT_KEEP)
    return pruned


def _child(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _prune_value(value: Any, schema: Schema | None, path: str, pruned: list[str]) -> None:
    if not isinstance(schema, dict):
        return
    if isinstance(value, dict):
        keep = _EMBEDDED_KEEP if schema.get("x-kubernetes-embedded-resource") else ()
        _prune_object(value, schema, path, pruned, keep=keep)
    elif isinstance(value, list):
        items = schema.get("items")
        if isinstance(items, dict):
            for index, item in enumerate(value):
                _prune_value(item, items, f"{path}[{index}]", pruned)


def _prune_object(
    obj: dict[str, Any], schema: Schema, path: str, pruned: list[str], keep: tuple[str, ...]
) -> None:
    properties = schema.get("properties") or {}
    extra = schema.get("additionalProperties")
    preserve = bool(schema.get("x-kubernetes-preserve-unknown-fields"))
    for key in list(obj):
        if key in keep:  # the server's own fields (ObjectMeta is pruned by its type)
            continue
        child_schema = properties.get(key)
        if child_schema is None and isinstance(extra, dict):
            child_schema = extra
        if child_schema is None:
            if preserve or extra is True:
                continue
            pruned.append(_child(path, key))
            del obj[key]
            continue
        _prune_value(obj[key], child_schema, _child(path, key), pruned)


def has_defaults(schema: Any) -> bool:
    """Whether any `default` appears in the schema (reads then need decoding)."""
    if isinstance(schema, dict):
        if "default" in schema:
            return True
        return any(has_defaults(v) for k, v in schema.items() if k not in ("enum", "example"))
    if isinstance(schema, list):
        return any(has_defaults(v) for v in schema)
    return False


def apply_defaults(obj: Any, schema: Schema | None) -> None:
    """Set `default` values of absent fields in place (and of nulls the schema forbids)."""
    if not isinstance(schema, dict):
        return
    if isinstance(obj, dict):
        properties = schema.get("properties") or {}
        for key, child_schema in properties.items():
            if not isinstance(child_schema, dict):
                continue
            if "default" in child_schema and (
                key not in obj or (obj[key] is None and not child_schema.get("nullable"))
            ):
                obj[key] = copy.deepcopy(child_schema["default"])
            if key in obj:
                apply_defaults(obj[key], child_schema)
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            for key, value in obj.items():
                if key not in properties:
                    apply_defaults(value, extra)
    elif isinstance(obj, list):
        items = schema.get("items")
        if isinstance(items, dict):
            for item in obj:
                apply_defaults(item, items)
