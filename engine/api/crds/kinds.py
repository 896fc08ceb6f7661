"""The ResourceTypes a CustomResourceDefinition serves: one per served version.

Every version shares one storage prefix (`/registry/<group>/<plural>/`); objects are
stored in the storage version's shape and, with conversion strategy None, other versions
differ only in `apiVersion`. A version reads stored bytes untouched (the fast path) only
when nothing can differ: it is the only version and its schema has no defaults.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine.api.openapi import builtin_lookup, custom_resource_schemas
from engine.registry.types import (
    SCALE,
    Conversion,
    ResourceType,
    ScaleMapping,
    Subresource,
    status_subresource,
)

from .strategies import storage_version
from .structural import apply_defaults, has_defaults

Obj = dict[str, Any]


def json_path_parts(path: str) -> tuple[str, ...]:
    """`.spec.replicas` → ("spec", "replicas") (CRD scale paths are simple field paths)."""
    return tuple(part for part in path.strip().lstrip(".").split(".") if part)


def _conversion(api_version: str, storage_api_version: str, schema: Obj | None) -> Conversion:
    defaults = schema if has_defaults(schema) else None

    def from_storage(obj: Obj) -> Obj:
        obj["apiVersion"] = api_version
        if defaults is not None:
            apply_defaults(obj, defaults)
        return obj

    def to_storage(obj: Obj) -> Obj:
        if obj.get("apiVersion") == storage_api_version:
            return obj
        return {**obj, "apiVersion": storage_api_version}

    return Conversion(to_storage=to_storage, from_storage=from_storage)


def _scale(subresources: Obj) -> ScaleMapping | None:
    scale = subresources.get("scale")
    if not isinstance(scale, dict):
        return None
    return ScaleMapping(
        spec_replicas=json_path_parts(scale.get("specReplicasPath") or ".spec.replicas"),
        status_replicas=json_path_parts(scale.get("statusReplicasPath") or ".status.replicas"),
        selector=json_path_parts(scale.get("labelSelectorPath") or ""),
        selector_is_text=True,
    )


def resource_types(crd: Obj, strategy_for: Callable[[Obj | None, bool], Any]) -> list[ResourceType]:
    """The kinds to register for `crd` (empty when it is not usable yet)."""
    spec = crd.get("spec") or {}
    names = spec.get("names") or {}
    group = spec.get("group") or ""
    versions = [v for v in spec.get("versions") or [] if isinstance(v, dict)]
    storage = storage_version(crd)
    if not group or not names.get("plural") or not names.get("kind") or not storage:
        return []
    single = len(versions) == 1
    types = []
    for version in versions:
        if not version.get("served"):
            continue
        vname = version.get("name") or ""
        schema = (version.get("schema") or {}).get("openAPIV3Schema")
        subresources = version.get("subresources") or {}
        has_status = "status" in subresources
        subs: list[Subresource] = []
        if has_status:
            subs.append(status_subresource(names["kind"]))
        scale = _scale(subresources)
        if scale is not None:
            subs.append(SCALE)
        api_version = f"{group}/{vname}"
        conversion = None
        if not (single and vname == storage and not has_defaults(schema)):
            conversion = _conversion(api_version, f"{group}/{storage}", schema)
        lookup = builtin_lookup().extended(
            custom_resource_schemas(group, vname, names["kind"], schema)
        )
        types.append(
            ResourceType(
                group,
                vname,
                names["kind"],
                names["plural"],
                names.get("singular") or names["kind"].lower(),
                spec.get("scope") == "Namespaced",
                short_names=tuple(names.get("shortNames") or ()),
                categories=tuple(names.get("categories") or ()),
                subresources=tuple(subs),
                strategy=strategy_for(schema, has_status),
                list_kind=names.get("listKind") or names["kind"] + "List",
                tracks_generation=True,
                scale=scale,
                custom=version,
                conversion=conversion,
                field_schemas=lookup if schema else None,
            )
        )
    return types
