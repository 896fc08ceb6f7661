"""Events: core/v1 and events.k8s.io/v1 share storage upstream, and so share a printer.

An events.k8s.io Event is first read as the core shape it is stored in (regarding ->
involvedObject, note -> message, deprecated* -> the legacy fields), then printed.
"""

from __future__ import annotations

from typing import Any

from ..humanize import parse_time, since
from .columns import Column, col, wide
from .docs import doc
from .helpers import Obj, as_int, get, meta
from .registry import register

COLUMNS = (
    col("Last Seen", "Event.lastTimestamp"),
    col("Type", "Event.type"),
    col("Reason", "Event.reason"),
    col("Object", "Event.involvedObject"),
    wide("Subobject", "ObjectReference.fieldPath"),
    wide("Source", "Event.source"),
    col("Message", "Event.message"),
    wide("First Seen", "Event.firstTimestamp"),
    wide("Count", "Event.count"),
    Column("Name", "string", doc("ObjectMeta.name"), "name", 1),
)


def as_core_event(event: Obj) -> Obj:
    """An events.k8s.io/v1 Event in core/v1 form (Convert_v1_Event_To_core_Event)."""
    return {
        "metadata": event.get("metadata") or {},
        "involvedObject": event.get("regarding") or {},
        "reason": event.get("reason", ""),
        "message": event.get("note", ""),
        "source": event.get("deprecatedSource") or {},
        "firstTimestamp": event.get("deprecatedFirstTimestamp"),
        "lastTimestamp": event.get("deprecatedLastTimestamp"),
        "count": event.get("deprecatedCount", 0),
        "type": event.get("type", ""),
        "eventTime": event.get("eventTime"),
        "series": event.get("series"),
        "action": event.get("action", ""),
        "related": event.get("related"),
        "reportingComponent": event.get("reportingController", ""),
        "reportingInstance": event.get("reportingInstance", ""),
    }


def _source(event: Obj) -> str:
    """formatEventSource: "component, host", falling back to the reporting fields."""
    component = get(event, "source", "component") or event.get("reportingComponent") or ""
    host = get(event, "source", "host") or event.get("reportingInstance") or ""
    return f"{component}, {host}" if host else component


def _seen(timestamp: Any, now: float) -> str | None:
    return since(timestamp, now) if parse_time(timestamp) is not None else None


@register("", "Event", COLUMNS)
def event_cells(event: Obj, now: float) -> list[Any]:
    first = _seen(event.get("firstTimestamp"), now) or since(event.get("eventTime"), now)
    last = _seen(event.get("lastTimestamp"), now) or first
    count = as_int(event.get("count"))
    series = event.get("series")
    if series is not None:
        last = since(series.get("lastObservedTime"), now)
        count = as_int(series.get("count"))
    elif count == 0:
        count = 1  # singleton events of the new API carry no count
    ref = event.get("involvedObject") or {}
    kind = str(ref.get("kind", "")).lower()
    target = f"{kind}/{ref['name']}" if ref.get("name") else kind
    return [
        last,
        event.get("type", ""),
        event.get("reason", ""),
        target,
        ref.get("fieldPath", ""),
        _source(event),
        str(event.get("message", "")).strip(),
        first,
        count,
        meta(event, "name", ""),
    ]


@register("events.k8s.io", "Event", COLUMNS)
def events_k8s_io_cells(event: Obj, now: float) -> list[Any]:
    return event_cells(as_core_event(event), now)
