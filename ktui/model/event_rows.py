"""Events as table rows: LAST SEEN, TYPE, REASON, OBJECT, MESSAGE, COUNT, NAMESPACE.

"Last seen" is computed as kubectl computes it, not from `lastTimestamp` alone (the k9s
mistake): events written through events.k8s.io/v1 (every modern component) carry no
`lastTimestamp` and count repeats in `series`, so a recurring event would otherwise sort
by the time it first happened. The order is series.lastObservedTime, then lastTimestamp,
then firstTimestamp (kubectl's printer falls back to it), then eventTime, then
metadata.creationTimestamp.

Both shapes are accepted: core/v1 (`involvedObject`, `message`, `count`) and
events.k8s.io/v1 (`regarding`, `note`, `deprecatedCount`, ...).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ktui.client.tables import Column, TableRow

Event = dict[str, Any]

LAST_SEEN = "LAST SEEN"
COLUMNS: tuple[Column, ...] = (
    Column(LAST_SEEN, "string", "date", "When the event was last observed."),
    Column("TYPE", "string", "", "Normal or Warning."),
    Column("REASON", "string", "", "Why the event happened, in one CamelCase word."),
    Column("OBJECT", "string", "", "The object the event is about: kind/name."),
    Column("MESSAGE", "string", "", "What happened, for people."),
    Column("COUNT", "integer", "", "How many times it happened."),
    Column("NAMESPACE", "string", "", "The event's namespace."),
)
LAST_SEEN_INDEX = 0


def columns(with_namespace: bool = True) -> tuple[Column, ...]:
    """The NAMESPACE column only says something when several namespaces are shown."""
    return COLUMNS if with_namespace else COLUMNS[:-1]


# events.k8s.io/v1 field → core/v1 field (the two are one stored object upstream).
_CORE_NAMES = {
    "regarding": "involvedObject",
    "note": "message",
    "deprecatedSource": "source",
    "deprecatedFirstTimestamp": "firstTimestamp",
    "deprecatedLastTimestamp": "lastTimestamp",
    "deprecatedCount": "count",
    "reportingController": "reportingComponent",
}


def as_core(event: Event) -> Event:
    """The core/v1 shape of an Event of either API (a shallow copy when renamed)."""
    if "regarding" not in event and "note" not in event and "deprecatedCount" not in event:
        return event
    return {_CORE_NAMES.get(k, k): v for k, v in event.items()}


def parse_time(value: Any) -> datetime | None:
    """RFC 3339 (with or without fractional seconds) → an aware datetime; None if unset."""
    if not value or not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def format_time(moment: datetime) -> str:
    """Fixed-width UTC with microseconds, so strings sort in time order (the server mixes
    `...:05Z` and `...:05.250000Z`, which do not)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def last_seen_time(event: Event) -> datetime | None:
    event = as_core(event)
    series = event.get("series") or {}
    for value in (
        series.get("lastObservedTime"),
        event.get("lastTimestamp"),
        event.get("firstTimestamp"),
        event.get("eventTime"),
        (event.get("metadata") or {}).get("creationTimestamp"),
    ):
        moment = parse_time(value)
        if moment is not None:
            return moment
    return None


def last_seen(event: Event) -> str | None:
    """The normalized last-seen timestamp (see `format_time`), None if the event has none."""
    moment = last_seen_time(event)
    return format_time(moment) if moment is not None else None


def count(event: Event) -> int:
    event = as_core(event)
    series = event.get("series")
    if series:
        return int(series.get("count") or 1)
    return int(event.get("count") or 1)  # singleton events of the new API have no count


def is_warning(event: Event) -> bool:
    return as_core(event).get("type") == "Warning"


@dataclass(frozen=True)
class Involved:
    """The object an event is about, as the event names it."""

    api_version: str
    kind: str
    name: str
    namespace: str | None
    uid: str = ""
    field_path: str = ""  # e.g. spec.containers{main}

    @property
    def label(self) -> str:
        return f"{self.kind.lower()}/{self.name}" if self.kind else self.name


def involved(event: Event) -> Involved:
    event = as_core(event)
    ref = event.get("involvedObject") or {}
    namespace = ref.get("namespace") or (event.get("metadata") or {}).get("namespace") or None
    return Involved(
        api_version=ref.get("apiVersion") or "",
        kind=ref.get("kind") or "",
        name=ref.get("name") or "",
        namespace=namespace,
        uid=ref.get("uid") or "",
        field_path=ref.get("fieldPath") or "",
    )


def row_key(event: Event) -> str:
    meta = event.get("metadata") or {}
    return meta.get("uid") or f"{meta.get('namespace', '')}/{meta.get('name', '')}"


def event_row(event: Event) -> TableRow:
    """One row; the row's object keeps what the screen needs (metadata, type, lastSeen,
    involvedObject) and not the rest."""
    core = as_core(event)
    meta = core.get("metadata") or {}
    target = involved(core)
    seen = last_seen(core)
    message = " ".join(str(core.get("message") or "").split())  # one line per event
    cells: list[Any] = [
        seen or "",
        core.get("type") or "",
        core.get("reason") or "",
        target.label,
        message,
        count(core),
        meta.get("namespace") or "",
    ]
    obj = {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {
            "uid": row_key(core),
            "name": meta.get("name", ""),
            "namespace": meta.get("namespace", ""),
            "creationTimestamp": meta.get("creationTimestamp"),
            "resourceVersion": meta.get("resourceVersion", ""),
        },
        "type": core.get("type") or "",
        "lastSeen": seen,
        "involvedObject": core.get("involvedObject") or {},
    }
    return TableRow(cells=cells, object=obj)


def row_last_seen(row: TableRow) -> str | None:
    """The timestamp of a row made by `event_row` (for live ages and sorting)."""
    return row.object.get("lastSeen")


def row_is_warning(row: TableRow) -> bool:
    return row.object.get("type") == "Warning"


def newest_first(events: Iterable[Event]) -> list[Event]:
    """Sorted by last seen, newest first; ties keep their order (the sort is stable);
    events without any time go last."""
    items = list(events)
    floor = datetime.min.replace(tzinfo=UTC)
    return sorted(items, key=lambda e: last_seen_time(e) or floor, reverse=True)


class EventLog:
    """The events a screen holds, and which of them it shows (all, or warnings only).

    Turns watch changes into table changes: with warnings only, a Normal event is never
    shown, and one that stops matching is removed (DELETED) rather than left stale."""

    def __init__(self, warnings_only: bool = False) -> None:
        self.rows: dict[str, TableRow] = {}
        self.warnings_only = warnings_only

    def __len__(self) -> int:
        return len(self.rows)

    def shows(self, row: TableRow) -> bool:
        return not self.warnings_only or row_is_warning(row)

    def visible(self) -> list[TableRow]:
        """What is shown, newest first (ties in arrival order)."""
        rows = [row for row in self.rows.values() if self.shows(row)]
        return sorted(rows, key=lambda r: row_last_seen(r) or "", reverse=True)

    @property
    def shown(self) -> int:
        return (
            len(self.rows)
            if not self.warnings_only
            else sum(map(row_is_warning, self.rows.values()))
        )

    def apply(self, changes: Iterable[tuple[str, Event]]) -> list[tuple[str, TableRow]]:
        out: list[tuple[str, TableRow]] = []
        for change, event in changes:
            row = event_row(event)
            old = self.rows.get(row.uid)
            was = old is not None and self.shows(old)
            if change == "DELETED":
                self.rows.pop(row.uid, None)
                if was:
                    out.append(("DELETED", old))  # type: ignore[arg-type]
                continue
            self.rows[row.uid] = row
            if self.shows(row):
                out.append(("MODIFIED" if was else "ADDED", row))
            elif was:
                out.append(("DELETED", old))  # type: ignore[arg-type]
        return out

    def set_warnings_only(self, on: bool) -> list[TableRow]:
        """Switch the filter; the rows to show now (a table reset)."""
        self.warnings_only = on
        return self.visible()
