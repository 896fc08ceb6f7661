"""Objects in the store: JSON bytes without a resourceVersion, spliced in on the way out.

The store assigns the revision when it commits, so stored bytes cannot carry it. Every
stored value starts `{"apiVersion":…,"kind":…,"metadata":{` (we write it that way), and
`with_rv` inserts `"resourceVersion":"N",` right after the metadata brace: a GET or a LIST
answers from stored bytes without decoding them.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import repeat
from operator import add, methodcaller
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


_FIND_METADATA = methodcaller("find", _METADATA, 0, _SEARCH_WINDOW)


def rv_offsets(values: Iterable[bytes]) -> list[int]:
    """Where `with_rv` inserts the resourceVersion in each value (just after the metadata
    brace), found by a loop in C: a LIST checks thousands of objects before its first
    byte. CorruptObject when one has no metadata."""
    found = list(map(_FIND_METADATA, values))
    if found and min(found) < 0:
        raise CorruptObject("stored object has no metadata")
    return list(map(add, found, repeat(len(_METADATA))))


def decode(value: bytes, rv: int | None = None) -> Obj:
    """The stored object as a dict, with `metadata.resourceVersion` when `rv` is given."""
    obj = orjson.loads(value)
    if rv is not None:
        obj["metadata"]["resourceVersion"] = str(rv)
    return obj


def dumps(obj: Any) -> bytes:
    return orjson.dumps(obj)
