"""metadata.managedFields: who owns which fields, as structured-merge-diff records it.

Every entry is a manager identity — (manager, operation, apiVersion for Update,
subresource) — with a FieldSet. An Update (create, PUT, PATCH by a manager named by
`fieldManager` or the client's user agent) compares the object before and after:
the fields it added or modified become the manager's, and every other manager (appliers
included) loses them; removed fields leave everyone. Entries left with no fields go.
`apiVersion`, `kind`, and the metadata the server owns are never anyone's. The
main resource of a kind with a status subresource ignores `status`, and `/status`
records only `status`. Server-side apply (server_side_apply.py) uses the same entries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.api.fieldpath import ZERO, FieldSet, compare, root_node

Obj = dict[str, Any]
FieldsV1 = dict[str, Any]
Identity = tuple[str, str, str, str]  # manager, operation, apiVersion ("" for Apply), subres.

# StripMeta: the fields no manager owns (plus deletion metadata, which our deletion writes).
_STRIPPED_META = (
    "name",
    "namespace",
    "creationTimestamp",
    "selfLink",
    "uid",
    "clusterName",
    "generation",
    "managedFields",
    "resourceVersion",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
)
STRIPPED = FieldSet(
    {"f:apiVersion", "f:kind", "f:metadata"},
    {"f:metadata": FieldSet({"f:" + name for name in _STRIPPED_META})},
)


@dataclass(slots=True)
class Entry:
    manager: str
    operation: str
    api_version: str
    time: str | None
    subresource: str
    fields: FieldSet

    @property
    def identity(self) -> Identity:
        version = self.api_version if self.operation == "Update" else ""
        return (self.manager, self.operation, version, self.subresource)

    def encode(self) -> Obj:
        out: Obj = {"manager": self.manager, "operation": self.operation}
        out["apiVersion"] = self.api_version
        if self.time is not None:
            out["time"] = self.time
        out["fieldsType"] = "FieldsV1"
        out["fieldsV1"] = self.fields.to_fields_v1()
        if self.subresource:
            out["subresource"] = self.subresource
        return out


Managers = dict[Identity, Entry]


def decode(entries: Any) -> Managers:
    """managedFields → entries by identity; ValueError when malformed."""
    if entries is None:
        return {}
    if not isinstance(entries, list):
        raise ValueError("managedFields must be a list")
    out: Managers = {}
    for raw in entries:
        if not isinstance(raw, dict):
            raise ValueError("managedFields entries must be objects")
        operation = raw.get("operation")
        if operation not in ("Apply", "Update"):
            raise ValueError(f"unsupported operation {operation!r}")
        if raw.get("fieldsType", "FieldsV1") != "FieldsV1":
            raise ValueError(f"unsupported fieldsType {raw.get('fieldsType')!r}")
        time = raw.get("time")
        entry = Entry(
            manager=str(raw.get("manager") or ""),
            operation=operation,
            api_version=str(raw.get("apiVersion") or ""),
            time=time if isinstance(time, str) else None,
            subresource=str(raw.get("subresource") or ""),
            fields=FieldSet.from_fields_v1(raw.get("fieldsV1") or {}),
        )
        if entry.identity in out:
            raise ValueError(f"duplicate manager {entry.manager!r}")
        out[entry.identity] = entry
    return out


def encode(managers: Managers) -> list[Obj]:
    """Non-empty entries in kube-apiserver's order: operation, time, manager, version."""
    kept = [e for e in managers.values() if not e.fields.empty()]
    kept.sort(key=lambda e: (e.operation, e.time or "", e.manager, e.api_version, e.subresource))
    return [e.encode() for e in kept]


def is_reset(entries: Any) -> bool:
    """`managedFields: []` or `[{}]` asks to drop every entry."""
    return entries == [] or entries == [{}]


def owned_filter(fields: FieldSet, has_status: bool, subresource: str) -> FieldSet:
    """Drop what no manager of this endpoint can own (StripMeta and the reset fields)."""
    fields = fields.difference(STRIPPED)
    if subresource == "status":
        return FieldSet(
            fields.members & {"f:status"},
            {k: v for k, v in fields.children.items() if k == "f:status"},
        )
    if has_status and not subresource:
        return fields.without_elements(frozenset({"f:status"}))
    return fields


def managers_of(obj: Obj, old: Obj | None, subresource: str) -> Managers:
    """decodeLiveOrNew: the entries a client sent, unless it sent none (or garbage, or
    wrote a subresource): then the stored object's."""
    new_entries = (obj.get("metadata") or {}).get("managedFields")
    old_entries = ((old or {}).get("metadata") or {}).get("managedFields")
    if not subresource:
        if is_reset(new_entries):
            return {}
        try:
            managers = decode(new_entries)
        except ValueError:
            managers = {}
        if managers:
            return managers
    try:
        return decode(old_entries)
    except ValueError:
        return {}


def without_managed_fields(obj: Obj) -> Obj:
    meta = obj.get("metadata")
    if not isinstance(meta, dict) or "managedFields" not in meta:
        return obj
    return {**obj, "metadata": {k: v for k, v in meta.items() if k != "managedFields"}}


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
) -> None:
    """Record an Update by `manager` (a create when `old` is None) in obj's managedFields."""
    if not manager:
        return
    managers = managers_of(obj, old, subresource)
    version = api_version.rsplit("/", 1)[-1]
    root = root_node(group, version, kind)
    try:
        cmp = compare(
            ZERO if old is None else without_managed_fields(old), without_managed_fields(obj), root
        )
    except ValueError:
        return  # a value our schemas cannot key (duplicate items...): leave entries as they are
    has_status = not with_status
    changed = owned_filter(cmp.changed(), has_status, subresource)
    removed = owned_filter(cmp.removed, has_status, subresource)
    identity: Identity = (manager, "Update", api_version, subresource)
    for entry in managers.values():
        entry.fields = entry.fields.difference(changed).difference(removed)
    if not changed.empty():
        mine = managers.get(identity)
        previous = mine.fields if mine is not None else FieldSet()
        managers[identity] = Entry(
            manager, "Update", api_version, time, subresource, previous.union(changed)
        )
    obj.setdefault("metadata", {})["managedFields"] = encode(managers)
