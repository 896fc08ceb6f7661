"""Server-side printing: lists and watches as meta.k8s.io/v1 Tables, the columns kubectl
shows. Each row keeps its object's metadata (PartialObjectMetadata) so views can key,
filter and label rows without fetching whole objects.

Lean rows: what views use of a row's metadata is a few fields (names, labels, owners,
times); managedFields and annotations are most of its bytes (at 50,000 pods ~35 of the
49 MB of a Table list). `decode_lean_table` decodes a Table page straight into lean
rows with msgspec, which skips the fields it is not asked for without building them:
50,000 rows in ~0.25 s instead of ~1.8 s for orjson's whole decode plus trimming.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypedDict

import msgspec
import orjson

from .pages import paused_gc

ACCEPT_TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    format: str = ""
    description: str = ""
    priority: int = 0  # 1 = only with `-o wide`

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Column:
        return cls(
            d.get("name", ""),
            d.get("type", "string"),
            d.get("format", ""),
            d.get("description", ""),
            int(d.get("priority") or 0),
        )


@dataclass
class TableRow:
    cells: list[Any]
    object: dict[str, Any]  # PartialObjectMetadata (or the full object if asked)

    @property
    def metadata(self) -> dict[str, Any]:
        return self.object.get("metadata") or {}

    @property
    def name(self) -> str:
        return self.metadata.get("name", "")

    @property
    def namespace(self) -> str:
        return self.metadata.get("namespace", "")

    @property
    def uid(self) -> str:
        return self.metadata.get("uid", "")

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TableRow:
        return cls(list(d.get("cells") or []), d.get("object") or {})


@dataclass
class Table:
    columns: list[Column]
    rows: list[TableRow] = field(default_factory=list)
    resource_version: str = ""
    continue_token: str = ""

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Table:
        if d.get("kind") != "Table":
            raise ValueError(f"expected a Table, got {d.get('kind')!r}")
        meta = d.get("metadata") or {}
        return cls(
            [Column.from_dict(c) for c in d.get("columnDefinitions") or []],
            [TableRow.from_dict(r) for r in d.get("rows") or []],
            meta.get("resourceVersion") or "",
            meta.get("continue") or "",
        )

    def visible_columns(self, wide: bool = False) -> list[int]:
        """Indexes of the columns kubectl prints (all of them with `-o wide`)."""
        return [i for i, c in enumerate(self.columns) if wide or c.priority == 0]


# -- lean rows -------------------------------------------------------------------------


class LeanMetadata(TypedDict, total=False):
    """What views read of a row's metadata: names and uid (keys, drill-down), labels (-l
    filters), owners (xray), times (AGE, Terminating), resourceVersion (watch resume)."""

    name: str | None
    namespace: str | None
    uid: str | None
    resourceVersion: str | None
    creationTimestamp: str | None
    deletionTimestamp: str | None
    labels: dict[str, str] | None
    ownerReferences: list[dict[str, Any]] | None


KEPT_METADATA = tuple(LeanMetadata.__annotations__)


class LeanObject(TypedDict, total=False):
    kind: str | None
    metadata: LeanMetadata


class _LeanRow(msgspec.Struct, gc=False):
    cells: list[Any] = []
    object: LeanObject | None = None


class _LeanTable(msgspec.Struct, gc=False):
    kind: str = ""
    apiVersion: str = ""
    metadata: dict[str, Any] = {}
    columnDefinitions: list[dict[str, Any]] | None = None
    rows: list[_LeanRow] | None = None


_DECODE_TABLE = msgspec.json.Decoder(_LeanTable).decode


def lean_row(item: dict[str, Any]) -> TableRow:
    """A decoded row (a watch event's, say) cut to what `decode_lean_table` keeps."""
    obj = item.get("object") or {}
    lean: dict[str, Any] = {}
    if "kind" in obj:
        lean["kind"] = obj["kind"]
    meta = obj.get("metadata")
    if meta is not None:
        lean["metadata"] = {key: meta[key] for key in KEPT_METADATA if key in meta}
    return TableRow(item.get("cells") or [], lean)


def decode_lean_table(body: bytes) -> tuple[dict[str, Any], list[TableRow]]:
    """A Table page: (the page without its rows, its rows as lean TableRows).

    A page msgspec does not take (a type it does not expect, bad JSON) goes through
    orjson and `lean_row`, which gives the same rows or raises orjson.JSONDecodeError."""
    with paused_gc():
        try:
            page = _DECODE_TABLE(body)
        except msgspec.MsgspecError:
            whole = orjson.loads(body)
            if not isinstance(whole, dict):
                raise orjson.JSONDecodeError("a Table page is a JSON object", "", 0) from None
            rows = whole.pop("rows", None) or []
            return whole, [lean_row(row) for row in rows]
        rows = [TableRow(row.cells, row.object or {}) for row in page.rows or ()]  # type: ignore[arg-type]
    head = {
        "kind": page.kind,
        "apiVersion": page.apiVersion,
        "metadata": page.metadata,
        "columnDefinitions": page.columnDefinitions,
    }
    return head, rows
