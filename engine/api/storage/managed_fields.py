"""metadata.managedFields for Update operations: who set which fields, as FieldsV1.

Each write by a manager (`fieldManager`, or the client's user-agent) records the fields it
changed, in the FieldsV1 format (`{"f:spec":{"f:replicas":{}}}`; list items by their key,
`k:{"name":"web"}`; sets by value, `v:"x"`). List keys come from the kind's patch metadata
(strategic merge keys), which covers the lists users edit; server-side apply refines this.
"""

from __future__ import annotations

from typing import Any

import orjson

from engine.api.patch import PatchMeta, builtin_patch_meta

Obj = dict[str, Any]
FieldsV1 = dict[str, Any]

# Metadata the server owns: never recorded as a manager's field.
_SERVER_METADATA = frozenset(
    {
        "name",
        "namespace",
        "uid",
        "resourceVersion",
        "generation",
        "creationTimestamp",
        "deletionTimestamp",
        "deletionGracePeriodSeconds",
        "managedFields",
        "selfLink",
    }
)
_TOP_SKIP = frozenset({"apiVersion", "kind"})
# Extra keys of list items not covered by strategic merge keys (SSA list-map-keys).
_EXTRA_KEYS = {"ports": ("protocol",)}


def _item_key(item: Any, merge_key: str, list_name: str) -> str | None:
    if not isinstance(item, dict) or merge_key not in item:
        return None
    key: dict[str, Any] = {merge_key: item[merge_key]}
    for extra in _EXTRA_KEYS.get(list_name, ()):
        if extra in item:
            key[extra] = item[extra]
    return "k:" + orjson.dumps(dict(sorted(key.items()))).decode()


def _list_fields(items: list[Any], meta: PatchMeta | None, path: tuple[str, ...]) -> FieldsV1:
    field = meta.lookup(path) if meta is not None else None
    merge_key = field.merge_key if field is not None else None
    if merge_key:
        out: FieldsV1 = {}
        for item in items:
            key = _item_key(item, merge_key, path[-1])
            if key is None:
                return {}
            out[key] = {".": {}, **_object_fields(item, meta, path)}
        return out
    if field is not None and items and all(isinstance(i, (str, int, float, bool)) for i in items):
        return {"v:" + orjson.dumps(i).decode(): {} for i in items}
    return {}


_MAPS = frozenset(
    {"labels", "annotations", "data", "binaryData", "stringData", "matchLabels", "nodeSelector"}
)


def _object_fields(
    obj: Obj, meta: PatchMeta | None, path: tuple[str, ...] = (), *, top: bool = False
) -> FieldsV1:
    out: FieldsV1 = {}
    for key, value in obj.items():
        if top and key in _TOP_SKIP:
            continue
        here = (*path, key)
        if isinstance(value, dict):
            inner = _object_fields(value, meta, here)
            if key in _MAPS and inner:
                inner = {".": {}, **inner}
            out["f:" + key] = inner
        elif isinstance(value, list):
            out["f:" + key] = _list_fields(value, meta, here)
        else:
            out["f:" + key] = {}
    return out


def object_fields(obj: Obj, meta: PatchMeta | None, *, with_status: bool) -> FieldsV1:
    """Every field set in `obj` that a manager can own."""
    trimmed = {k: v for k, v in obj.items() if with_status or k != "status"}
    metadata = {k: v for k, v in (obj.get("metadata") or {}).items() if k not in _SERVER_METADATA}
    trimmed["metadata"] = metadata
    fields = _object_fields(trimmed, meta, top=True)
    if not fields.get("f:metadata"):
        fields.pop("f:metadata", None)
    return fields


def diff_fields(new: FieldsV1, old: FieldsV1) -> FieldsV1:
    """Fields of `new` that are not in `old` (a changed leaf counts as new)."""
    out: FieldsV1 = {}
    for key, value in new.items():
        if key not in old:
            out[key] = value
        elif value:
            inner = diff_fields(value, old[key])
            if inner:
                out[key] = inner
    return out


def merge_fields(a: FieldsV1, b: FieldsV1) -> FieldsV1:
    out = dict(a)
    for key, value in b.items():
        out[key] = merge_fields(out[key], value) if key in out else value
    return out


def remove_fields(owned: FieldsV1, taken: FieldsV1) -> FieldsV1:
    out: FieldsV1 = {}
    for key, value in owned.items():
        if key not in taken:
            out[key] = value
        elif value and taken[key]:
            inner = remove_fields(value, taken[key])
            if inner and set(inner) != {"."}:
                out[key] = inner
    return out


def record_update(
    obj: Obj,
    old: Obj | None,
    manager: str,
    api_version: str,
    time: str,
    group: str,
    kind: str,
    *,
    subresource: str = "",
    with_status: bool = True,
    applied: Obj | None = None,
) -> None:
    """Record an Update (or create) by `manager` in obj's managedFields; with `applied`
    (a server-side apply configuration) an Apply that owns exactly the applied fields."""
    if not manager:
        return
    meta = builtin_patch_meta(group, kind) if kind else None
    operation = "Update" if applied is None else "Apply"
    new_fields = object_fields(obj, meta, with_status=with_status or subresource == "status")
    if applied is not None:
        changed = object_fields(applied, meta, with_status=with_status or subresource == "status")
    elif old is None:
        changed = new_fields
    else:
        old_fields = object_fields(old, meta, with_status=with_status or subresource == "status")
        changed = diff_fields(new_fields, old_fields)
        changed = merge_fields(changed, _value_changes(obj, old, new_fields))
    entries: list[Obj] = []
    mine: Obj | None = None
    for entry in (obj.get("metadata") or {}).get("managedFields") or []:
        if not isinstance(entry, dict):
            continue
        same = (
            entry.get("manager") == manager
            and entry.get("operation") == operation
            and entry.get("subresource", "") == subresource
        )
        if same:
            mine = entry
            continue
        owned = remove_fields(entry.get("fieldsV1") or {}, changed)
        if owned or entry.get("operation") == "Apply":
            entries.append({**entry, "fieldsV1": owned})
    previous = (mine or {}).get("fieldsV1") or {}
    owned = changed if applied is not None else merge_fields(previous, changed)
    owned = _sorted(_prune(owned, new_fields))
    if owned:
        entry = {
            "manager": manager,
            "operation": operation,
            "apiVersion": api_version,
            "time": time,
            "fieldsType": "FieldsV1",
            "fieldsV1": owned,
        }
        if subresource:
            entry["subresource"] = subresource
        entries.append(entry)
    obj.setdefault("metadata", {})["managedFields"] = entries


def _prune(owned: FieldsV1, present: FieldsV1) -> FieldsV1:
    """Drop fields that no longer exist in the object."""
    out: FieldsV1 = {}
    for key, value in owned.items():
        if key == ".":
            out[key] = value
            continue
        if key not in present:
            continue
        out[key] = _prune(value, present[key]) if value else value
    return out


def _value_changes(new: Any, old: Any, fields: FieldsV1, prefix: str = "") -> FieldsV1:
    """Leaves present in both objects whose values changed (diff_fields misses those)."""
    out: FieldsV1 = {}
    if not isinstance(new, dict) or not isinstance(old, dict):
        return out
    for key, sub in fields.items():
        if not key.startswith("f:"):
            continue
        name = key[2:]
        if name not in old or name not in new:
            continue
        a, b = new[name], old[name]
        if a == b:
            continue
        if isinstance(a, dict) and isinstance(b, dict) and sub:
            inner = _value_changes(a, b, sub)
            if inner:
                out[key] = inner
        elif isinstance(a, list) and isinstance(b, list) and sub:
            out[key] = sub  # a changed keyed list: claim its items
        else:
            out[key] = {}
    return out


def _sorted(fields: FieldsV1) -> FieldsV1:
    """Key order as kube-apiserver serializes FieldsV1: "." first, then sorted."""
    keys = sorted(fields, key=lambda k: (k != ".", k))
    return {k: _sorted(fields[k]) if fields[k] else {} for k in keys}
