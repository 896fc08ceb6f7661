"""The informer's cache: objects by key, kept as compact JSON bytes, with secondary
indexes (namespace, labels, owner, node, or any function) maintained on every change.

Why bytes: a decoded pod is a tree of dicts of ~10–20 KB of Python objects; its JSON is
1–3 KB. Views read a few objects at a time (the visible rows), so decoding on demand is
cheaper than holding tens of thousands of trees.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import orjson

IndexFunc = Callable[[dict[str, Any]], Iterable[str]]


def _meta(obj: dict[str, Any]) -> dict[str, Any]:
    # Table rows carry their object's metadata one level down.
    return obj.get("metadata") or (obj.get("object") or {}).get("metadata") or {}


def object_key(obj: dict[str, Any]) -> str:
    """`namespace/name`, or `name` for cluster-scoped objects (client-go's key)."""
    meta = _meta(obj)
    ns = meta.get("namespace")
    return f"{ns}/{meta.get('name', '')}" if ns else meta.get("name", "")


def by_namespace(obj: dict[str, Any]) -> Iterable[str]:
    ns = _meta(obj).get("namespace")
    return (ns,) if ns else ()


def by_label(obj: dict[str, Any]) -> Iterable[str]:
    """One value per label, `key=value`, so a selector term is one lookup."""
    return [f"{k}={v}" for k, v in (_meta(obj).get("labels") or {}).items()]


def by_owner(obj: dict[str, Any]) -> Iterable[str]:
    return [ref["uid"] for ref in _meta(obj).get("ownerReferences") or () if ref.get("uid")]


def by_node(obj: dict[str, Any]) -> Iterable[str]:
    node = (obj.get("spec") or {}).get("nodeName")
    return (node,) if node else ()


DEFAULT_INDEXERS: dict[str, IndexFunc] = {
    "namespace": by_namespace,
    "label": by_label,
    "owner": by_owner,
    "node": by_node,
}


class Entry:
    __slots__ = ("raw", "rv", "indexed")

    def __init__(self, raw: bytes, rv: str, indexed: tuple[tuple[str, ...], ...]) -> None:
        self.raw = raw
        self.rv = rv
        self.indexed = indexed  # the values under each index, to unindex without decoding


class Indexer:
    def __init__(self, indexers: dict[str, IndexFunc] | None = None) -> None:
        self.indexers = dict(DEFAULT_INDEXERS if indexers is None else indexers)
        self._names = list(self.indexers)
        self._funcs = [self.indexers[n] for n in self._names]
        self._items: dict[str, Entry] = {}
        self._indexes: list[dict[str, set[str]]] = [{} for _ in self._names]

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: str) -> bool:
        return key in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def keys(self) -> Iterator[str]:
        return iter(self._items)

    def rv(self, key: str) -> str | None:
        entry = self._items.get(key)
        return entry.rv if entry else None

    def raw(self, key: str) -> bytes | None:
        entry = self._items.get(key)
        return entry.raw if entry else None

    def get(self, key: str) -> dict[str, Any] | None:
        entry = self._items.get(key)
        return orjson.loads(entry.raw) if entry else None

    def items(self) -> Iterator[tuple[str, bytes]]:
        for key, entry in self._items.items():
            yield key, entry.raw

    def index_keys(self, index: str, value: str) -> set[str]:
        return set(self._indexes[self._names.index(index)].get(value, ()))

    def by_index(self, index: str, value: str) -> list[dict[str, Any]]:
        return [orjson.loads(self._items[k].raw) for k in sorted(self.index_keys(index, value))]

    def index_values(self, index: str) -> list[str]:
        return sorted(self._indexes[self._names.index(index)])

    def put(self, key: str, obj: dict[str, Any], rv: str, raw: bytes | None = None) -> bytes | None:
        """Store `obj`; returns the previous raw bytes (None if it is new)."""
        intern = sys.intern
        indexed = tuple(tuple(intern(v) for v in f(obj)) for f in self._funcs)
        old = self._items.get(key)
        if old is not None:
            self._unindex(key, old)
        if raw is None:
            # orjson over-allocates its output (4 KB for a 1 KB pod); an exact-size copy
            # makes the cache 3-4x smaller for the price of a memcpy.
            raw = bytes(memoryview(orjson.dumps(obj)))
        self._items[key] = Entry(raw, rv, indexed)
        for index, values in zip(self._indexes, indexed, strict=True):
            for value in values:
                bucket = index.get(value)
                if bucket is None:
                    index[value] = {key}
                else:
                    bucket.add(key)
        return old.raw if old is not None else None

    def delete(self, key: str) -> bytes | None:
        old = self._items.pop(key, None)
        if old is None:
            return None
        self._unindex(key, old)
        return old.raw

    def _unindex(self, key: str, entry: Entry) -> None:
        for index, values in zip(self._indexes, entry.indexed, strict=True):
            for value in values:
                bucket = index.get(value)
                if bucket is not None:
                    bucket.discard(key)
                    if not bucket:
                        del index[value]
