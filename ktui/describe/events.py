"""The Events section of a describe: finding an object's events as kubectl's searchEvents
does, and the Type/Reason/Age/From/Message table of DescribeEvents."""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from .format import parse_time, since
from .writer import LEVEL_0, LEVEL_1, PrefixWriter

if TYPE_CHECKING:
    from ktui.client import Client

log = logging.getLogger(__name__)
_EPOCH = datetime.min.replace(tzinfo=timezone.utc)


def field_selector(
    name: str, namespace: str, kind: str | None = None, uid: str | None = None
) -> str:
    """client-go's GetFieldSelector; terms sorted by key as fields.Set prints them."""
    terms = {"involvedObject.name": name, "involvedObject.namespace": namespace}
    if kind:
        terms["involvedObject.kind"] = kind
    if uid:
        terms["involvedObject.uid"] = uid
    return ",".join(f"{key}={_escape(terms[key])}" for key in sorted(terms))


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace(",", "\\,").replace("=", "\\=")


async def search_events(
    client: Client, name: str, namespace: str, kind: str | None = None, uid: str | None = None
) -> list[dict[str, Any]]:
    """core/v1 Events about one object (all namespaces for a cluster-scoped one). A failure
    (no events API, Forbidden) gives no events, as in kubectl, never an error."""
    try:
        events = await client.resource("v1/events")
        listed = await events.list(
            namespace or None,
            all_namespaces=not namespace,
            field_selector=field_selector(name, namespace, kind, uid),
        )
    except Exception as error:  # noqa: BLE001 - events are a courtesy, not the describe
        log.info("events for %s/%s: %s", namespace, name, error)
        return []
    return listed.items


async def events_about(
    client: Client, obj: dict[str, Any], kind: str | None = None
) -> list[dict[str, Any]]:
    """searchEvents(obj): by name, namespace, kind and uid of `obj`."""
    meta = obj.get("metadata") or {}
    return await search_events(
        client, meta.get("name", ""), meta.get("namespace", ""), kind, meta.get("uid")
    )


def _last_seen(event: dict[str, Any]) -> datetime:
    return parse_time(event.get("lastTimestamp")) or _EPOCH


def event_age(event: dict[str, Any], now: datetime | None = None) -> str:
    """The Age cell: `5s`, or `2m (x3 over 10m)` for a repeated event."""
    first = (
        since(event.get("eventTime"), now)
        if parse_time(event.get("eventTime"))
        else since(event.get("firstTimestamp"), now)
    )
    series = event.get("series")
    if isinstance(series, dict):
        return (
            f"{since(series.get('lastObservedTime'), now)} (x{series.get('count', 0)} over {first})"
        )
    count = event.get("count") or 0
    if isinstance(count, int) and count > 1:
        return f"{since(event.get('lastTimestamp'), now)} (x{count} over {first})"
    return first


def describe_events(events: list[dict[str, Any]], w: PrefixWriter) -> None:
    """kubectl's DescribeEvents, oldest last-seen first."""
    if not events:
        w.write(LEVEL_0, "Events:\t<none>\n")
        return
    w.flush()  # the table aligns on its own, not with the fields above it
    now = datetime.now(timezone.utc)
    w.write(LEVEL_0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n")
    w.write(LEVEL_1, "----\t------\t----\t----\t-------\n")
    for event in sorted(events, key=_last_seen):
        source = (event.get("source") or {}).get("component") or event.get("reportingComponent", "")
        w.write(
            LEVEL_1,
            f"{event.get('type', '')}\t{event.get('reason', '')}\t{event_age(event, now)}"
            f"\t{source}\t{str(event.get('message', '')).strip()}\n",
        )
