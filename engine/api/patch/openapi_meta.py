"""Patch metadata read from an OpenAPI document, the way kube-apiserver publishes it.

Each property of `components.schemas` (v3) or `definitions` (v2) may carry
`x-kubernetes-patch-strategy` ("merge", "merge,retainKeys", "retainKeys", "replace") and
`x-kubernetes-patch-merge-key`. A property refers to its type with `$ref`, or with
`allOf: [{$ref}]` when it also carries a description or default (v3 does this), and an
array's `items` hold the element type. We walk from a kind's root schema, following those,
and record every annotated field path in a TablePatchMeta.

Map values (`additionalProperties`) are not walked: their keys are data, and no built-in
type annotates fields below a map.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .meta import FieldMeta, FieldPath, TablePatchMeta
from .pointer import unescape_token

STRATEGY = "x-kubernetes-patch-strategy"
MERGE_KEY = "x-kubernetes-patch-merge-key"
GVK = "x-kubernetes-group-version-kind"
_MAX_DEPTH = 40  # far deeper than any API type; stops runaway self-reference


def schemas_of(document: Mapping[str, Any]) -> Mapping[str, Any]:
    """The named schemas of an OpenAPI v3 or v2 document (or the mapping itself)."""
    if "components" in document:
        return document["components"].get("schemas", {})
    if "definitions" in document:
        return document["definitions"]
    return document


def find_kind_schema(schemas: Mapping[str, Any], group: str, version: str, kind: str) -> str | None:
    """The name of the schema whose `x-kubernetes-group-version-kind` lists this kind."""
    for name, schema in schemas.items():
        for gvk in schema.get(GVK, ()) if isinstance(schema, dict) else ():
            if (gvk.get("group", ""), gvk.get("version"), gvk.get("kind")) == (
                group,
                version,
                kind,
            ):
                return name
    return None


def table_from_openapi(schemas: Mapping[str, Any], root: str) -> TablePatchMeta:
    """Collect the patch metadata of every field reachable from schema `root`."""
    fields: dict[FieldPath, FieldMeta] = {}
    _walk(schemas, _resolve(schemas, {"$ref": root}), (), (root,), fields)
    return TablePatchMeta(fields)


def meta_from_openapi(
    document: Mapping[str, Any], group: str, version: str, kind: str
) -> TablePatchMeta | None:
    """Metadata for one kind of an OpenAPI document; None if the document lacks the kind."""
    schemas = schemas_of(document)
    root = find_kind_schema(schemas, group, version, kind)
    return None if root is None else table_from_openapi(schemas, root)


def _ref_name(ref: str) -> str:
    """`#/components/schemas/io.k8s.api.core.v1.PodSpec` → `io.k8s.api.core.v1.PodSpec`."""
    for prefix in ("#/components/schemas/", "#/definitions/"):
        if ref.startswith(prefix):
            return unescape_token(ref[len(prefix) :])
    return ref


def _refs(schema: Mapping[str, Any]) -> list[str]:
    """The schema names a (sub)schema stands for, through `$ref` and `allOf`."""
    names = []
    if isinstance(schema.get("$ref"), str):
        names.append(_ref_name(schema["$ref"]))
    for part in schema.get("allOf", ()):
        if isinstance(part, dict):
            names.extend(_refs(part))
    return names


def _resolve(
    schemas: Mapping[str, Any], schema: Mapping[str, Any]
) -> tuple[dict[str, Any], tuple[str, ...]]:
    """The effective schema (its own keys plus those of what it refers to) and the names
    of the referred schemas."""
    merged: dict[str, Any] = {k: v for k, v in schema.items() if k not in ("$ref", "allOf")}
    names = tuple(_refs(schema))
    for name in names:
        target = schemas.get(name)
        if isinstance(target, dict):
            inner, _ = _resolve(schemas, target)
            for key, value in inner.items():
                if key == "properties":
                    merged["properties"] = {**value, **merged.get("properties", {})}
                else:
                    merged.setdefault(key, value)
    for part in schema.get("allOf", ()):
        if isinstance(part, dict) and "$ref" not in part:
            inner, _ = _resolve(schemas, part)
            merged["properties"] = {**inner.get("properties", {}), **merged.get("properties", {})}
    return merged, names


def _walk(
    schemas: Mapping[str, Any],
    resolved: tuple[dict[str, Any], tuple[str, ...]],
    path: FieldPath,
    seen: tuple[str, ...],
    fields: dict[FieldPath, FieldMeta],
) -> None:
    schema, _ = resolved
    if len(path) > _MAX_DEPTH:
        return
    for name, prop in (schema.get("properties") or {}).items():
        if not isinstance(prop, dict):
            continue
        field = path + (name,)
        meta = FieldMeta.parse(prop.get(STRATEGY), prop.get(MERGE_KEY))
        child, refs = _resolve(schemas, prop)
        if meta == FieldMeta():
            # The annotations may sit on the referred schema rather than the property.
            meta = FieldMeta.parse(child.get(STRATEGY), child.get(MERGE_KEY))
        if meta != FieldMeta():
            fields[field] = meta
        if child.get("type") == "array" and isinstance(child.get("items"), dict):
            child, more = _resolve(schemas, child["items"])
            refs = refs + more
        if any(ref in seen for ref in refs):
            continue  # a self-referencing type (JSONSchemaProps): its fields are listed once
        _walk(schemas, (child, refs), field, seen + refs, fields)
