"""Objects in the store: JSON bytes without a resourceVersion, spliced in on the way out.

The store assigns the revision when it commits, so stored bytes cannot carry it. Every
stored value starts `{"apiVersion":…,"kind":…,"metadata":{` (we write it that way), and
`with_rv` inserts `"resourceVersion":"N",` right after the metadata brace: a GET or a LIST
answers from stored bytes without decoding them.
"""

from __future__ import annotations

from typing import Any

import orjson

Obj = dict[str, Any]

_METADATA = b'"metadata":{'
_SEARCH_WINDOW = 512  # apiVersion and kind come first, so the brace is near the start


class CorruptObject(ValueError):
    """A stored value that does not have the layout `encode` writes."""


def encode(obj: Obj) -> bytes:
    """The bytes to store: apiVersion, kind, metadata first; metadata without resourceVersion."""
    meta = obj.get("metadata") or {}
    ordered: Obj = {
        "apiVersion": obj.get("apiVersion", ""),
        "kind": obj.get("kind", ""),
        "metadata": {k: v for k, v in meta.items() if k != "resourceVersion"},
    }
    for key, value in obj.items():
        if key not in ordered:
            ordered[key] = value
    return orjson.dumps(ordered)


def with_rv(value: bytes, rv: int) -> bytes:
    """The stored object with `metadata.resourceVersion` set to `rv` (as JSON bytes)."""
    at = value.find(_METADATA, 0, _SEARCH_WINDOW)
    if at < 0:
        raise CorruptObject("stored object has no metadata")
    at += len(_METADATA)
    if value[at : at + 1] == b"}":  # empty metadata: no comma after our field
        return b'%s"resourceVersion":"%d"%s' % (value[:at], rv, value[at:])
    return b'%s"resourceVersion":"%d",%s' % (value[:at], rv, value[at:])


def rv_parts(value: bytes, rv: int) -> tuple[bytes, bytes, bytes]:
    """with_rv in three pieces to join with others: (before, field, after).

    Plain byte slices, not memoryviews: those are tracked by the garbage collector, and
    20,000 of them per LIST set off collections over the whole engine heap.
    """
    at = value.find(_METADATA, 0, _SEARCH_WINDOW)
    if at < 0:
        raise CorruptObject("stored object has no metadata")
    at += len(_METADATA)
    if value[at : at + 1] == b"}":  # empty metadata: no comma after our field
        return value[:at], b'"resourceVersion":"%d"' % rv, value[at:]
    return value[:at], b'"resourceVersion":"%d",' % rv, value[at:]


def decode(value: bytes, rv: int | None = None) -> Obj:
    """The stored object as a dict, with `metadata.resourceVersion` when `rv` is given."""
    obj = orjson.loads(value)
    if rv is not None:
        obj["metadata"]["resourceVersion"] = str(rv)
    return obj


def dumps(obj: Any) -> bytes:
    return orjson.dumps(obj)
