"""Server-side printing: lists and watches as meta.k8s.io/v1 Tables, the columns kubectl
shows. Each row keeps its object's metadata (PartialObjectMetadata) so views can key,
filter and label rows without fetching whole objects."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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
