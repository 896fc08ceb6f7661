"""A workload's rollout history as kubectl finds it: the objects of one kind (ReplicaSets of a
Deployment, ControllerRevisions of a StatefulSet or DaemonSet) that the workload's selector
matches *and* that name the workload as their controller. The selector alone is not enough:
another workload may use the same labels."""

from __future__ import annotations

from typing import Any

from ktui.client import Client


def selector_string(selector: dict[str, Any] | None) -> str | None:
    """A LabelSelector as a query string (`app=web,tier in (a,b)`); None selects all."""
    if not selector:
        return None
    parts = [f"{k}={v}" for k, v in (selector.get("matchLabels") or {}).items()]
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr.get("key"), expr.get("operator"), expr.get("values") or []
        if op == "In":
            parts.append(f"{key} in ({','.join(values)})")
        elif op == "NotIn":
            parts.append(f"{key} notin ({','.join(values)})")
        elif op == "Exists":
            parts.append(key)
        elif op == "DoesNotExist":
            parts.append(f"!{key}")
    return ",".join(parts) or None


def owned_by(obj: dict[str, Any], uid: str) -> bool:
    refs = (obj.get("metadata") or {}).get("ownerReferences") or []
    return any(r.get("uid") == uid and r.get("controller") for r in refs)


async def controlled(client: Client, resource: str, owner: dict[str, Any]) -> list[dict[str, Any]]:
    """The `resource` objects in the owner's namespace that it selects and controls."""
    meta = owner.get("metadata") or {}
    selector = selector_string((owner.get("spec") or {}).get("selector"))
    listed = await (await client.resource(resource)).list(
        meta.get("namespace"), label_selector=selector
    )
    uid = meta.get("uid") or ""
    return [obj for obj in listed.items if uid and owned_by(obj, uid)]
