"""meta.k8s.io/v1 Table responses, as kube-apiserver builds them for `kubectl get`.

Rows carry every column (priority-1 ones too; kubectl hides them unless -o wide) and, by
`includeObject`, the object as PartialObjectMetadata (the default, which kubectl needs for
its NAMESPACE and --show-labels columns), the full object, or null.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Protocol

import orjson

from .crd import crd_printer
from .registry import Printer, printer_for

Obj = Mapping[str, Any]

INCLUDE_NONE, INCLUDE_METADATA, INCLUDE_OBJECT = "None", "Metadata", "Object"


class IncludeObjectError(ValueError):
    """An includeObject value kube-apiserver rejects (answer 400 BadRequest)."""

    def __init__(self, value: str) -> None:
        self.message = f'unrecognized includeObject value: "{value}"'
        super().__init__(self.message)


def get_printer(
    group: str, kind: str, crd_columns: Sequence[Mapping[str, Any]] | None = None
) -> Printer:
    """The printer for a kind; pass `crd_columns` (possibly []) for a custom resource."""
    if crd_columns is not None:
        return crd_printer(crd_columns)
    return printer_for(group, kind)


def embedded(
    group: str, version: str, kind: str, obj: Obj, include_object: str = INCLUDE_METADATA
) -> dict[str, Any] | None:
    """rows[].object for the includeObject query parameter."""
    if include_object in (INCLUDE_METADATA, ""):
        return {
            "kind": "PartialObjectMetadata",
            "apiVersion": "meta.k8s.io/v1",
            "metadata": dict(obj.get("metadata") or {}),
        }
    if include_object == INCLUDE_OBJECT:
        full = dict(obj)
        full.setdefault("apiVersion", f"{group}/{version}" if group else version)
        full.setdefault("kind", kind)
        return full
    if include_object == INCLUDE_NONE:
        return None
    raise IncludeObjectError(include_object)


def columns(
    group: str,
    version: str,
    kind: str,
    crd_columns: Sequence[Mapping[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """columnDefinitions for the kind (every column; priority 1 marks the -o wide ones)."""
    del version
    return [c.as_dict() for c in get_printer(group, kind, crd_columns).columns]


def cells(
    group: str,
    version: str,
    kind: str,
    obj: Obj,
    now: float,
    crd_columns: Sequence[Mapping[str, Any]] | None = None,
) -> list[Any]:
    """The row's cells, one per column of `columns()`."""
    del version
    return get_printer(group, kind, crd_columns).cells(obj, now)


def _row(
    printer: Printer, group: str, version: str, kind: str, obj: Obj, now: float, include: str
) -> dict[str, Any]:
    row: dict[str, Any] = {"cells": printer.cells(obj, now)}
    if printer.conditions is not None:
        conditions = printer.conditions(obj)
        if conditions:
            row["conditions"] = conditions
    row["object"] = embedded(group, version, kind, obj, include)
    return row


def row(
    group: str,
    version: str,
    kind: str,
    obj: Obj,
    now: float,
    include_object: str = INCLUDE_METADATA,
    crd_columns: Sequence[Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """One TableRow: {"cells": [...], "conditions"?: [...], "object": ...}."""
    printer = get_printer(group, kind, crd_columns)
    return _row(printer, group, version, kind, obj, now, include_object)


def table(
    group: str,
    version: str,
    kind: str,
    objects: Iterable[Obj],
    now: float,
    include_object: str = INCLUDE_METADATA,
    crd_columns: Sequence[Mapping[str, Any]] | None = None,
    no_headers: bool = False,
) -> dict[str, Any]:
    """A meta.k8s.io/v1 Table of `objects`.

    `metadata` is left empty for the caller (resourceVersion, continue,
    remainingItemCount). `no_headers` drops columnDefinitions (null), as TableOptions
    noHeaders does; a watch sends them with its first event only.
    """
    if include_object not in (INCLUDE_NONE, INCLUDE_METADATA, INCLUDE_OBJECT, ""):
        raise IncludeObjectError(include_object)
    printer = get_printer(group, kind, crd_columns)
    return {
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": {},
        "columnDefinitions": None if no_headers else [c.as_dict() for c in printer.columns],
        "rows": [_row(printer, group, version, kind, o, now, include_object) for o in objects],
    }


# -- tables of stored objects, with their rows kept per resourceVersion --------------------


class Stored(Protocol):
    """A stored key-value (engine.store.KeyValue): what stored_table needs of it."""

    @property
    def key(self) -> str: ...
    @property
    def mod_revision(self) -> int: ...


ROW_CACHE_SIZE = 65_536  # rows kept; the whole cache is dropped when it is full
# (group, version, kind, includeObject, key) -> (mod_revision, prepare(obj), row tail bytes)
_ROWS: dict[tuple[str, str, str, str, str], tuple[int, Any, bytes]] = {}
_CELLS_HEAD = b'{"cells":'
_EMPTY_CELLS_ROW = b'{"cells":[]'


_PARTIAL_HEAD = (
    b',"object":{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":'
)


def _row_tail(
    printer: Printer, group: str, version: str, kind: str, obj: Obj, include: str
) -> bytes:
    """The JSON of a row after its cells: `,"conditions":[...],"object":{...}}`."""
    row: dict[str, Any] = {"cells": []}
    if printer.conditions is not None:
        conditions = printer.conditions(obj)
        if conditions:
            row["conditions"] = conditions
    if include == INCLUDE_METADATA:  # the usual case: no copy of the metadata to encode
        head = orjson.dumps(row)[len(_EMPTY_CELLS_ROW) : -1]
        return b"%s%s%s}}" % (head, _PARTIAL_HEAD, orjson.dumps(obj.get("metadata") or {}))
    row["object"] = embedded(group, version, kind, obj, include)
    return orjson.dumps(row)[len(_EMPTY_CELLS_ROW) :]


def _viewed_row(printer: Printer, data: bytes, revision: int) -> tuple[Any, bytes] | None:
    """(prepare's result, row tail) from an object's JSON without its resourceVersion,
    through the printer's view: the tail is `_row_tail`'s bytes, its metadata copied as
    it is stored with the resourceVersion last (where decoding and setting it puts it).
    None when the view does not take the object."""
    assert printer.view is not None and printer.prepare is not None
    try:
        obj, metadata = printer.view(data)
    except ValueError:
        return None
    if metadata[:1] != b"{" or metadata[-1:] != b"}" or b'"resourceVersion"' in metadata:
        return None  # not as stored (the resourceVersion is spliced in on the way out)
    rv = b'"resourceVersion":"%d"}' % revision
    metadata = metadata[:-1] + (rv if metadata == b"{}" else b"," + rv)
    head = b""
    if printer.conditions is not None:
        conditions = printer.conditions(obj)
        if conditions:
            head = b',"conditions":' + orjson.dumps(conditions)
    return printer.prepare(obj), b"%s%s%s}}" % (head, _PARTIAL_HEAD, metadata)


def _cached_rows(
    printer: Printer,
    group: str,
    version: str,
    kind: str,
    items: Iterable[Any],
    decode: Callable[[Any], Obj],
    now: float,
    include: str,
    raw: Callable[[Any], tuple[bytes, int]] | None = None,
) -> list[bytes]:
    assert printer.prepare is not None and printer.finish is not None
    prepare, finish, rows = printer.prepare, printer.finish, _ROWS
    viewed = raw if printer.view is not None and include == INCLUDE_METADATA else None
    out: list[bytes] = []
    for kv in items:
        key = (group, version, kind, include, kv.key)
        kept = rows.get(key)
        if kept is None or kept[0] != kv.mod_revision:
            made = None
            if viewed is not None:
                made = _viewed_row(printer, *viewed(kv))
            if made is not None:
                kept = (kv.mod_revision, *made)
            else:
                obj = decode(kv)
                kept = (
                    kv.mod_revision,
                    prepare(obj),
                    _row_tail(printer, group, version, kind, obj, include),
                )
            if len(rows) >= ROW_CACHE_SIZE:
                rows.clear()
            rows[key] = kept
        out.append(_CELLS_HEAD + orjson.dumps(finish(kept[1], now)) + kept[2])
    return out


def stored_table(
    group: str,
    version: str,
    kind: str,
    items: Iterable[Stored],
    decode: Callable[[Any], Obj],
    now: float,
    include_object: str = INCLUDE_METADATA,
    crd_columns: Sequence[Mapping[str, Any]] | None = None,
    *,
    metadata: Mapping[str, Any] | None = None,
    api_version: str = "meta.k8s.io/v1",
    no_headers: bool = False,
    raw: Callable[[Any], tuple[bytes, int]] | None = None,
) -> bytes:
    """The JSON bytes of `table()` over stored objects (`decode(item)` gives the object),
    with `metadata` and `apiVersion` set: byte for byte what orjson makes of the dict.

    Objects are decoded one at a time. For printers with prepare/finish, what prepare
    returned is kept per (version, key, resourceVersion), so an unchanged object is not decoded
    again by later tables: only its time columns are recomputed at `now`. `raw(item)`, when
    given, is (the object's JSON without metadata.resourceVersion, that resourceVersion):
    printers with a `view` then print it without decoding all of it (same bytes).
    """
    if include_object not in (INCLUDE_NONE, INCLUDE_METADATA, INCLUDE_OBJECT, ""):
        raise IncludeObjectError(include_object)
    printer = get_printer(group, kind, crd_columns)
    if printer.prepare is not None and printer.finish is not None and crd_columns is None:
        include = include_object or INCLUDE_METADATA
        rows = _cached_rows(printer, group, version, kind, items, decode, now, include, raw)
    else:
        rows = [
            orjson.dumps(_row(printer, group, version, kind, decode(kv), now, include_object))
            for kv in items
        ]
    head = orjson.dumps(
        {
            "kind": "Table",
            "apiVersion": api_version,
            "metadata": metadata if metadata is not None else {},
            "columnDefinitions": None if no_headers else [c.as_dict() for c in printer.columns],
            "rows": [],
        }
    )
    return head[:-2] + b",".join(rows) + b"]}"
