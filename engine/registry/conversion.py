"""events.k8s.io/v1 Event ⇄ core/v1 Event: one stored object, two API views (as upstream,
where both are kept under /registry/events/ in the core/v1 shape)."""

from __future__ import annotations

from typing import Any

from .types import Conversion

Obj = dict[str, Any]

# events.k8s.io/v1 field → core/v1 field
_RENAMES = {
    "regarding": "involvedObject",
    "note": "message",
    "deprecatedSource": "source",
    "deprecatedFirstTimestamp": "firstTimestamp",
    "deprecatedLastTimestamp": "lastTimestamp",
    "deprecatedCount": "count",
    "reportingController": "reportingComponent",
}
_BACK = {core: new for new, core in _RENAMES.items()}


def events_to_core(obj: Obj) -> Obj:
    out: Obj = {}
    for key, value in obj.items():
        out[_RENAMES.get(key, key)] = value
    out["apiVersion"] = "v1"
    out["kind"] = "Event"
    return out


def core_to_events(obj: Obj) -> Obj:
    out: Obj = {}
    for key, value in obj.items():
        out[_BACK.get(key, key)] = value
    out["apiVersion"] = "events.k8s.io/v1"
    out["kind"] = "Event"
    return out


EVENTS_CONVERSION = Conversion(to_storage=events_to_core, from_storage=core_to_events)
