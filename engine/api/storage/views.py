"""The API view of stored objects: resourceVersion spliced in, and the conversion for
kinds stored in another version's shape (events.k8s.io/v1 Event)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import chain, repeat
from operator import itemgetter

from engine.registry.types import Obj, ResourceType
from engine.store import KeyValue

from .codec import decode, dumps, encode, rv_offsets, with_rv


def api_bytes(rt: ResourceType, value: bytes, rv: int) -> bytes:
    """JSON of the object as the client sees it, at resourceVersion `rv`."""
    if rt.conversion is None:
        return with_rv(value, rv)
    return dumps(api_object(rt, value, rv))


LIST_CHUNK_BYTES = 256 << 10
# KeyValue is a NamedTuple: item getters run in C, attribute getters per call in Python.
_VALUE = itemgetter(KeyValue._fields.index("value"))
_REVISION = itemgetter(KeyValue._fields.index("mod_revision"))
_META = b'"metadata":{'
_META_RV = _META + b'"resourceVersion":"%d",'  # with_rv's insertion (metadata not empty)
_SAMPLE = 64


def api_list_body(
    rt: ResourceType, head: bytes, items: list[KeyValue], chunk_bytes: int = LIST_CHUNK_BYTES
) -> Iterator[bytes]:
    """A LIST body in chunks of about `chunk_bytes`: `head` + the items' API JSON,
    comma-separated, + `]}`, the same bytes as `api_bytes` item by item.

    Every item is checked (converted kinds: encoded) before this returns, so an error
    comes before the first byte. The chunks are made as they are taken, by loops in C (no
    Python per item), each one small enough to stay in the CPU cache while it is built
    and encrypted; the stored values are read once more per chunk, not kept in a list.
    """
    if rt.conversion is not None:
        pieces = [api_bytes(rt, kv.value, kv.mod_revision) for kv in items]
        return _joined_chunks(head, pieces, chunk_bytes)
    offsets = rv_offsets(map(_VALUE, items))
    sample = items[:_SAMPLE]
    average = sum(map(len, map(_VALUE, sample))) / len(sample) if sample else 1.0
    return _spliced_chunks(head, items, offsets, max(1, int(chunk_bytes / max(average, 1.0))))


def _spliced_chunks(
    head: bytes, items: list[KeyValue], offsets: list[int], per_chunk: int
) -> Iterator[bytes]:
    """`value.replace(META, META + field, 1)` is with_rv: the first `"metadata":{` is the
    one `rv_offsets` found (the earliest, inside its window). An object with an empty
    metadata takes no comma after the field: its chunk goes through with_rv."""
    yield head
    replace = bytes.replace
    for start in range(0, len(items), per_chunk):
        part = items[start : start + per_chunk]
        values = map(_VALUE, part)
        if any(map(bytes.startswith, values, repeat(b"}"), offsets[start : start + per_chunk])):
            pieces: Iterable[bytes] = [with_rv(kv.value, kv.mod_revision) for kv in part]
        else:
            fields = map(_META_RV.__mod__, map(_REVISION, part))
            pieces = map(replace, map(_VALUE, part), repeat(_META), fields, repeat(1))
        yield b",".join(chain((b"",), pieces) if start else pieces)
    yield b"]}"


def _joined_chunks(head: bytes, pieces: list[bytes], chunk_bytes: int) -> Iterator[bytes]:
    parts: list[bytes] = [head]
    append = parts.append
    filled = len(head)
    for piece in pieces:
        if filled >= chunk_bytes:
            yield b"".join(parts)
            parts.clear()
            filled = 0
        append(piece)
        append(b",")
        filled += len(piece)
    if pieces:
        parts.pop()
    append(b"]}")
    yield b"".join(parts)


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
