"""The events about one object, as `kubectl describe` finds them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .client import Client


def involved_object_selector(obj: dict[str, Any]) -> str:
    meta = obj.get("metadata") or {}
    terms = [
        f"involvedObject.name={meta.get('name', '')}",
        f"involvedObject.namespace={meta.get('namespace', '')}",
    ]
    if obj.get("kind"):
        terms.append(f"involvedObject.kind={obj['kind']}")
    if meta.get("uid"):
        terms.append(f"involvedObject.uid={meta['uid']}")
    return ",".join(terms)


def _when(event: dict[str, Any]) -> str:
    return (
        event.get("lastTimestamp")
        or event.get("eventTime")
        or (event.get("metadata") or {}).get("creationTimestamp")
        or ""
    )


async def events_for(client: Client, obj: dict[str, Any]) -> list[dict[str, Any]]:
    """Core/v1 Events whose involvedObject is `obj`, oldest first."""
    events = await client.resource("events")
    namespace = (obj.get("metadata") or {}).get("namespace")
    listed = await events.list(
        namespace, all_namespaces=not namespace, field_selector=involved_object_selector(obj)
    )
    return sorted(listed.items, key=_when)
