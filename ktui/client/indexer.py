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


def _default_values(obj: dict[str, Any], meta: dict[str, Any]) -> tuple[tuple[str, ...], ...]:
    """DEFAULT_INDEXERS in one pass (the informer's list path runs this per object)."""
    ns = meta.get("namespace")
    labels = meta.get("labels")
    owners = meta.get("ownerReferences")
    spec = obj.get("spec")
    node = spec.get("nodeName") if isinstance(spec, dict) else None
    return (
        (ns,) if ns else (),
        tuple([f"{k}={v}" for k, v in labels.items()]) if labels else (),
        tuple([ref["uid"] for ref in owners if ref.get("uid")]) if owners else (),
        (node,) if node else (),
    )


def _compact(obj: dict[str, Any]) -> bytes:
    # orjson's output keeps its 4 KB buffer for a 1 KB pod (tracemalloc sees it even where
    # sys.getsizeof does not): an exact-size copy costs a memcpy, the cache is 3x smaller.
    return bytes(memoryview(orjson.dumps(obj)))


# Distinct index tuples kept for sharing; cleared when it grows past this (sharing is a
# memory saving only, so forgetting is harmless).
_SHARED_MAX = 8192


class Indexer:
    def __init__(self, indexers: dict[str, IndexFunc] | None = None) -> None:
        self.indexers = dict(DEFAULT_INDEXERS if indexers is None else indexers)
        self._names = list(self.indexers)
        self._funcs = [self.indexers[n] for n in self._names]
        self._default = list(self.indexers.items()) == list(DEFAULT_INDEXERS.items())
        self._items: dict[str, Entry] = {}
        self._indexes: list[dict[str, set[str]]] = [{} for _ in self._names]
        # Pods of one ReplicaSet on one node have the same index values: one tuple for all.
        self._shared: dict[tuple[Any, ...], tuple[Any, ...]] = {}

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

    # -- writing ------------------------------------------------------------------------

    def entry(self, obj: dict[str, Any], rv: str, raw: bytes | None = None) -> Entry:
        """What `insert` stores for `obj`: its bytes and index values (no store change)."""
        if self._default:
            values = _default_values(obj, _meta(obj))
        else:
            values = tuple(tuple(f(obj)) for f in self._funcs)
        return Entry(_compact(obj) if raw is None else raw, rv, self._share(values))

    def keyed_entry(self, obj: dict[str, Any], raw: bytes | None = None) -> tuple[str, Entry]:
        """`(object_key(obj), entry(obj, its resourceVersion, raw))`, reading metadata once."""
        meta = obj.get("metadata") or _meta(obj)
        ns = meta.get("namespace")
        name = meta.get("name", "")
        if self._default:
            values = _default_values(obj, meta)
        else:
            values = tuple(tuple(f(obj)) for f in self._funcs)
        if raw is None:
            raw = _compact(obj)
        entry = Entry(raw, meta.get("resourceVersion") or "", self._share(values))
        return (f"{ns}/{name}" if ns else name), entry

    def _share(self, values: tuple[tuple[str, ...], ...]) -> tuple[tuple[str, ...], ...]:
        shared = self._shared
        found = shared.get(values)
        if found is not None:
            return found
        if len(shared) >= _SHARED_MAX:
            shared.clear()
        intern = sys.intern
        inner = []
        for strings in values:
            one = shared.get(strings)
            if one is None:
                one = tuple([intern(v) for v in strings])
                shared[one] = one
            inner.append(one)
        found = tuple(inner)
        shared[found] = found
        return found

    def insert(self, key: str, entry: Entry) -> Entry | None:
        """Store an entry made by `entry()`; returns the previous one (None if new)."""
        items = self._items
        old = items.get(key)
        items[key] = entry
        if old is not None:
            if old.indexed == entry.indexed:
                return old  # same index values (a status update): nothing to move
            self._unindex(key, old)
        for index, values in zip(self._indexes, entry.indexed, strict=True):
            for value in values:
                bucket = index.get(value)
                if bucket is None:
                    index[value] = {key}
                else:
                    bucket.add(key)
        return old

    def load(self, pairs: list[tuple[str, Entry]]) -> None:
        """Fill an empty indexer (a first list): index sets are filled once per distinct
        index values (pods of a ReplicaSet on a node share them), not once per object."""
        if self._items:
            for key, entry in pairs:
                self.insert(key, entry)
            return
        items = self._items
        items.update(pairs)
        groups: dict[int, tuple[tuple[tuple[str, ...], ...], list[str]]] = {}
        for key, entry in items.items():
            group = groups.get(id(entry.indexed))
            if group is None:
                groups[id(entry.indexed)] = (entry.indexed, [key])
            else:
                group[1].append(key)
        for indexed, keys in groups.values():
            for index, values in zip(self._indexes, indexed, strict=True):
                for value in values:
                    bucket = index.get(value)
                    if bucket is None:
                        index[value] = set(keys)
                    else:
                        bucket.update(keys)

    def put(self, key: str, obj: dict[str, Any], rv: str, raw: bytes | None = None) -> bytes | None:
        """Store `obj`; returns the previous raw bytes (None if it is new)."""
        old = self.insert(key, self.entry(obj, rv, raw))
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
