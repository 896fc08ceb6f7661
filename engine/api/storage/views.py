"""The API view of stored objects: resourceVersion spliced in, and the conversion for
kinds stored in another version's shape (events.k8s.io/v1 Event)."""

from __future__ import annotations

from collections.abc import Iterable

from engine.registry.types import Obj, ResourceType
from engine.store import KeyValue

from .codec import decode, dumps, encode, rv_parts, with_rv


def api_bytes(rt: ResourceType, value: bytes, rv: int) -> bytes:
    """JSON of the object as the client sees it, at resourceVersion `rv`."""
    if rt.conversion is None:
        return with_rv(value, rv)
    return dumps(api_object(rt, value, rv))


def api_list_bytes(rt: ResourceType, head: bytes, items: Iterable[KeyValue]) -> bytes:
    """`head` + the items' API JSON, comma-separated, + `]}`: a LIST body built by one
    join (no per-item formatting of the whole object)."""
    parts: list[bytes] = [head]
    append = parts.append
    if rt.conversion is None:
        for kv in items:
            before, field, after = rv_parts(kv.value, kv.mod_revision)
            append(before)
            append(field)
            append(after)
            append(b",")
    else:
        for kv in items:
            append(api_bytes(rt, kv.value, kv.mod_revision))
            append(b",")
    if len(parts) > 1:
        parts.pop()
    append(b"]}")
    return b"".join(parts)


def api_object(rt: ResourceType, value: bytes, rv: int | None) -> Obj:
    obj = decode(value, rv)
    if rt.conversion is not None:
        obj = rt.conversion.from_storage(obj)
    return obj


def kv_object(rt: ResourceType, kv: KeyValue) -> Obj:
    return api_object(rt, kv.value, kv.mod_revision)


def storage_bytes(rt: ResourceType, obj: Obj) -> bytes:
    if rt.conversion is not None:
        obj = rt.conversion.to_storage(obj)
    return encode(obj)


def set_rv(obj: Obj, rv: int) -> Obj:
    obj.setdefault("metadata", {})["resourceVersion"] = str(rv)
    return obj
