"""How a resource row looks: which columns show, how wide, the text of a row and its tone.

kubectl's rules: priority-1 columns only with `-o wide`, a NAMESPACE column first when a
view spans namespaces (from the metadata: the server's Table has none), "<none>" for a
missing value. Widths only grow, so a stream of updates never makes the table jitter.
"""

from __future__ import annotations

import itertools
import operator
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ktui.client.tables import Column, TableRow

from .ages import age, parse_time

NAMESPACE = -1  # DisplayColumn.cell of the NAMESPACE column
MAX_WIDTH = 80  # longer cells are cut with "…": a message column must not push the rest away
GAP = "  "
Tone = Literal["error", "warning", "dim"] | None
Timestamp = Callable[[TableRow], "str | None"]

_ERROR = frozenset(
    (
        "CrashLoopBackOff", "Error", "Failed", "ImagePullBackOff", "ErrImagePull",
        "ErrImageNeverPull", "Evicted", "Terminating", "NotReady", "OOMKilled", "Unknown",
        "InvalidImageName", "CreateContainerConfigError", "CreateContainerError",
        "ContainerStatusUnknown", "RunContainerError", "PreStartHookError",
        "PostStartHookError", "NodeLost", "Lost", "BackoffLimitExceeded", "DeadlineExceeded",
    )
)  # fmt: skip
_WARNING = frozenset(
    (
        "Pending", "ContainerCreating", "PodInitializing", "Waiting", "SchedulingGated",
        "SchedulingDisabled", "Released", "Unschedulable",
    )
)  # fmt: skip
_DIM = frozenset(("Completed", "Succeeded"))
_LEADING_NUMBER = re.compile(r"\s*(-?\d+(?:\.\d+)?)")
_versions = itertools.count(1)
_EMPTY: dict[str, Any] = {}  # layout versions are unique across layouts, for caches


def row_key(row: TableRow) -> str:
    """What identifies a row across events: the uid, else namespace/name."""
    meta = row.object.get("metadata") or {}
    return meta.get("uid") or f"{meta.get('namespace', '')}/{meta.get('name', '')}"


def creation_timestamp(row: TableRow) -> str | None:
    return (row.object.get("metadata") or {}).get("creationTimestamp")


def row_tone(status: str, ready: str) -> Tone:
    """How a row is coloured, from its STATUS and READY cells as kubectl prints them."""
    dim = False
    for part in status.split(","):
        part = part.removeprefix("Init:")
        if part in _ERROR or part.startswith(("Signal:", "ExitCode:")):
            return "error"
        if part in _WARNING or status.startswith("Init:"):
            return "warning"
        dim = dim or part in _DIM
    if dim:
        return "dim"
    have, slash, want = ready.partition("/")
    if slash and have != want and want not in ("", "0"):
        return "warning"  # e.g. Running 0/1, or a Deployment at 1/3
    return None


def cell_text(value: Any) -> str:
    """A cell as kubectl prints it, on one line."""
    if type(value) is str:
        return value.replace("\n", " ") if "\n" in value else value
    if value is None:
        return "<none>"
    if value is True or value is False:
        return "true" if value else "false"
    return str(value).replace("\n", " ")


def ranked(value: Any) -> tuple[int, Any]:
    """Sort values of mixed types compare by type first, so a sort never raises."""
    if value is None:
        return (9, 0)
    if isinstance(value, (int, float)):
        return (0, value)
    if isinstance(value, str):
        return (1, value)
    if isinstance(value, tuple):
        return (2, value)
    return (3, str(value))


def leading_number(value: Any) -> Any:
    """The number a numeric cell starts with ("3 (5m ago)" → 3.0), else its text."""
    if isinstance(value, (int, float)) or value is None:
        return value
    match = _LEADING_NUMBER.match(str(value))
    return float(match.group(1)) if match else str(value)


def _column_texts(cells: list[list[Any]], i: int, complete: bool) -> list[str]:
    """Column i of many rows as text; `complete` when every row has that cell."""
    column = (
        list(map(operator.itemgetter(i), cells))
        if complete
        else [c[i] if i < len(c) else "" for c in cells]
    )
    # Strings print as they are (a "\n" would become " ").
    if set(map(type, column)) == {str} and not any(
        map(operator.contains, column, itertools.repeat("\n"))
    ):
        return column
    return list(map(cell_text, column))


@dataclass
class DisplayColumn:
    name: str  # header text, upper-case
    cell: int  # index into TableRow.cells, or NAMESPACE
    numeric: bool = False  # right-aligned
    width: int = 0
    live_age: Timestamp | None = None  # rendered as an age at paint time


class Layout:
    def __init__(
        self,
        columns: Sequence[Column],
        *,
        wide: bool,
        show_namespace: bool,
        live: Mapping[str, Timestamp],
    ) -> None:
        display = [DisplayColumn("NAMESPACE", NAMESPACE)] if show_namespace else []
        for i, column in enumerate(columns):
            if column.priority == 0 or wide:
                stamp = live.get(column.name.lower())
                numeric = column.type in ("integer", "number") and stamp is None
                display.append(DisplayColumn(column.name.upper(), i, numeric, live_age=stamp))
        for d in display:
            d.width = len(d.name) + 1  # room for the sort arrow
            if d.live_age is not None:
                d.width = max(d.width, 7)  # "5m12s", "2y30d"
        self.display = display
        self.has_live = any(d.live_age is not None for d in display)
        # Live ages are not searched: the server's cell is stale and the shown one moves.
        self.search_cells = [d.cell for d in display if d.cell >= 0 and d.live_age is None]
        names = [c.name.lower() for c in columns]
        self._status = names.index("status") if "status" in names else -1
        self._ready = names.index("ready") if "ready" in names else -1
        self.version = next(_versions)

    def column(self, name: str) -> DisplayColumn | None:
        """A displayed column by name, case-insensitive."""
        name = name.lower()
        return next((d for d in self.display if d.name.lower() == name), None)

    def absorb(self, rows: Sequence[TableRow]) -> list[str]:
        """The search texts of `rows`, growing the widths to fit them. Works a column at a
        time, so 50,000 rows cost a few C-level passes instead of 400,000 Python calls."""
        if not rows:
            return []
        metas = [r.object.get("metadata") or _EMPTY for r in rows]
        names = [m.get("name", "") for m in metas]
        namespaces = [m.get("namespace", "") for m in metas]
        texts: dict[int, list[str]] = {NAMESPACE: namespaces}
        cells = [r.cells for r in rows]
        shortest = min(map(len, cells))
        for d in self.display:
            if d.live_age is None and d.cell not in texts:
                texts[d.cell] = _column_texts(cells, d.cell, d.cell < shortest)
        for d in self.display:
            if d.live_age is None:
                widest = min(MAX_WIDTH, max(map(len, texts[d.cell])))
                if widest > d.width:
                    d.width = widest
                    self.version = next(_versions)
        searched = [texts[i] for i in self.search_cells]
        joined = map("\n".join, zip(*searched, names, namespaces, strict=True))
        return [s.lower() for s in joined]

    def sort_key(
        self, name: str | None, custom: Callable[[TableRow], Any] | None = None
    ) -> Callable[[TableRow], Any]:
        """Row → sort value for a column, resolved once per sort rather than per row.
        None (or NAMESPACE) sorts by namespace/name; a live age newest first."""
        column = self.column(name) if name else None
        if custom is not None:
            return lambda row: ranked(custom(row))
        if column is None or column.cell == NAMESPACE:
            return _namespace_name
        if column.live_age is not None:
            stamp = column.live_age

            def newest_first(row: TableRow) -> Any:
                value = stamp(row)
                then = parse_time(value) if isinstance(value, str) else None
                return ranked(None if then is None else -then)  # the smallest age first

            return newest_first
        i = column.cell
        if column.numeric:
            return lambda row: ranked(leading_number(row.cells[i] if i < len(row.cells) else None))
        return lambda row: cell_text(row.cells[i]) if i < len(row.cells) else ""

    def header(self, sort_name: str | None, reverse: bool) -> str:
        arrow = "↓" if reverse else "↑"
        parts = []
        for d in self.display:
            name = d.name + arrow if d.name.lower() == sort_name else d.name
            parts.append(name.rjust(d.width) if d.numeric else name.ljust(d.width))
        return " " + GAP.join(parts)

    def render(self, row: TableRow, now: float) -> str:
        cells, n = row.cells, len(row.cells)
        parts = []
        for d in self.display:
            if d.live_age is not None:
                text = age(d.live_age(row), now)
                if len(text) > d.width:  # "<unknown>": rare, so widen when it shows up
                    d.width = len(text)
                    self.version = next(_versions)
            elif d.cell == NAMESPACE:
                text = (row.object.get("metadata") or {}).get("namespace", "")
            else:
                text = cell_text(cells[d.cell]) if d.cell < n else ""
            if len(text) > d.width:
                text = text[: d.width - 1] + "…"
            parts.append(text.rjust(d.width) if d.numeric else text.ljust(d.width))
        return " " + GAP.join(parts)

    def tone(self, row: TableRow) -> Tone:
        cells, n = row.cells, len(row.cells)
        status = cell_text(cells[self._status]) if 0 <= self._status < n else ""
        ready = cell_text(cells[self._ready]) if 0 <= self._ready < n else ""
        return row_tone(status, ready) if status or ready else None


def _namespace_name(row: TableRow) -> tuple[str, str]:
    meta = row.object.get("metadata") or _EMPTY
    return (meta.get("namespace", ""), meta.get("name", ""))


def row_keys(rows: Sequence[TableRow]) -> list[str]:
    """row_key of many rows: the uids in one pass when every row has one (it always does
    from a server)."""
    uids = [(r.object.get("metadata") or _EMPTY).get("uid") for r in rows]
    return uids if all(uids) else [uid or row_key(r) for uid, r in zip(uids, rows, strict=True)]  # type: ignore[return-value]
