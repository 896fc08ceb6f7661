"""The printer registry: for each (group, kind) its columns and its row function.

Printers are version-independent, as upstream's are (they work on internal types). Row
functions always produce every column, priority-1 ones included: kube-apiserver prints
with Wide=true and leaves hiding them to kubectl.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..humanize import rfc3339
from .columns import NAME, Column
from .docs import doc
from .helpers import meta

Obj = Mapping[str, Any]
CellsFn = Callable[[Obj, float], list[Any]]
ConditionsFn = Callable[[Obj], list[dict[str, str]]]
PrepareFn = Callable[[Obj], Any]  # what the cells need from the object, without `now`
FinishFn = Callable[[Any, float], list[Any]]  # the cells at `now` from what prepare kept
# An object's JSON → (the object cut to what prepare and conditions read, the exact bytes
# of its metadata); raises ValueError (msgspec's errors are) when it cannot.
ViewFn = Callable[[bytes], tuple[Obj, bytes]]


@dataclass(frozen=True)
class Printer:
    """Columns and row function of a kind.

    `prepare`/`finish`, when set, split `cells` in two (cells(obj, now) ==
    finish(prepare(obj), now)) so that tables of stored objects can keep what `prepare`
    returned per resourceVersion and skip decoding unchanged objects (table.stored_table).
    `view`, when set, makes the first print of a stored object cheaper still: only what
    prepare reads is decoded, and its metadata is copied into the row as bytes.
    """

    columns: tuple[Column, ...]
    cells: CellsFn
    conditions: ConditionsFn | None = None
    prepare: PrepareFn | None = None
    finish: FinishFn | None = None
    view: ViewFn | None = None


PRINTERS: dict[tuple[str, str], Printer] = {}


def register(
    group: str,
    kind: str,
    columns: Sequence[Column],
    conditions: ConditionsFn | None = None,
    *,
    prepare: PrepareFn | None = None,
    finish: FinishFn | None = None,
    view: ViewFn | None = None,
) -> Callable[[CellsFn], CellsFn]:
    """Decorator: `@register("apps", "Deployment", COLUMNS)` over `def cells(obj, now)`."""

    def wrap(fn: CellsFn) -> CellsFn:
        PRINTERS[(group, kind)] = Printer(tuple(columns), fn, conditions, prepare, finish, view)
        return fn

    return wrap


# rest.NewDefaultTableConvertor: what every kind without a printer gets (Roles,
# ClusterRoles, LimitRanges, CRDs, APIServices...): the name and an RFC 3339 timestamp.
def _default_cells(obj: Obj, now: float) -> list[Any]:
    del now
    return [meta(obj, "name", ""), rfc3339(meta(obj, "creationTimestamp"))]


DEFAULT = Printer(
    (NAME, Column("Created At", "date", doc("ObjectMeta.creationTimestamp"))), _default_cells
)


def printer_for(group: str, kind: str) -> Printer:
    return PRINTERS.get((group, kind), DEFAULT)
