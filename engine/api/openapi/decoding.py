"""The type errors of kube-apiserver's JSON decoding, for the fields that are cheap to check.

kube-apiserver decodes a create or update body into the kind's Go struct, so a value of
the wrong JSON type is a 400 BadRequest before anything else runs::

    json: cannot unmarshal array into Go struct field ObjectMeta.metadata.generateName of type string
    json: cannot unmarshal number into Go struct field ConfigMap.data of type string

The engine keeps bodies as JSON values and leaves most types to validation (422). These
are checked on every create and update of a built-in kind, from the kind's OpenAPI schema:
ObjectMeta's plain strings (name, generateName, namespace, uid...), and the kind's
top-level maps of strings (ConfigMap.data and binaryData, Secret.data and stringData).
Custom resources decode into unstructured objects upstream, so nothing is checked there.
"""

from __future__ import annotations

from typing import Any

from engine.api.openapi.crd import OBJECT_META
from engine.api.openapi.schemas import GVK, SchemaLookup
from engine.api.patch.gostyle import go_json_kind

# (field, Go type of its values): "string", or "[]uint8" for base64 bytes
_StringMaps = tuple[tuple[str, str], ...]

# Memoized per lookup (kept in the entry: an id is only unique while its object lives).
_plans: dict[tuple[int, GVK], tuple[SchemaLookup, _StringMaps]] = {}
_meta_strings: dict[int, tuple[SchemaLookup, tuple[str, ...]]] = {}


def decoding_error(lookup: SchemaLookup, gvk: GVK, obj: Any) -> str | None:
    """The message of the first type error the Go decoder would meet in `obj`, or None."""
    if not isinstance(obj, dict):
        return None
    meta = obj.get("metadata")
    if isinstance(meta, dict):
        for field in _object_meta_strings(lookup):
            value = meta.get(field)
            if value is not None and not isinstance(value, str):
                return _message(value, f"ObjectMeta.metadata.{field}", "string")
    for field, go_type in _string_maps(lookup, gvk):
        value = obj.get(field)
        if value is None:
            continue
        if not isinstance(value, dict):
            return _message(value, f"{gvk[2]}.{field}", f"map[string]{go_type}")
        for item in value.values():
            if item is not None and not isinstance(item, str):
                return _message(item, f"{gvk[2]}.{field}", go_type)
    return None


def _message(value: Any, field: str, go_type: str) -> str:
    return f"json: cannot unmarshal {go_json_kind(value)} into Go struct field {field} of type {go_type}"


def _object_meta_strings(lookup: SchemaLookup) -> tuple[str, ...]:
    """ObjectMeta's string properties without a format (timestamps decode otherwise)."""
    memo = _meta_strings.get(id(lookup))
    if memo is not None and memo[0] is lookup:
        return memo[1]
    schema = lookup.resolve(lookup.get(OBJECT_META) or {})
    found = tuple(
        name
        for name, prop in (schema.get("properties") or {}).items()
        if _is_plain_string(lookup.resolve(prop))
    )
    _meta_strings[id(lookup)] = (lookup, found)
    return found


def _string_maps(lookup: SchemaLookup, gvk: GVK) -> _StringMaps:
    key = (id(lookup), gvk)
    memo = _plans.get(key)
    if memo is not None and memo[0] is lookup:
        return memo[1]
    plan = _find_string_maps(lookup, gvk)
    _plans[key] = (lookup, plan)
    return plan


def _find_string_maps(lookup: SchemaLookup, gvk: GVK) -> _StringMaps:
    schema = lookup.schema_for(*gvk)
    if schema is None:
        return ()
    maps: list[tuple[str, str]] = []
    for name, prop in (lookup.resolve(schema).get("properties") or {}).items():
        resolved = lookup.resolve(prop)
        values = resolved.get("additionalProperties")
        if resolved.get("type") != "object" or not isinstance(values, dict):
            continue
        values = lookup.resolve(values)
        if values.get("type") == "string":
            maps.append((name, "[]uint8" if values.get("format") == "byte" else "string"))
    return tuple(maps)


def _is_plain_string(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "string" and not schema.get("format")
