"""meta.k8s.io/v1 Table responses, as kube-apiserver builds them for `kubectl get`.

Rows carry every column (priority-1 ones too; kubectl hides them unless -o wide) and, by
`includeObject`, the object as PartialObjectMetadata (the default, which kubectl needs for
its NAMESPACE and --show-labels columns), the full object, or null.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

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
