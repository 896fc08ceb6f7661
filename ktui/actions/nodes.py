"""`kubectl cordon` / `uncordon`: whether the scheduler may place new pods on a node."""

from __future__ import annotations

from ktui.client import Client


async def _set_unschedulable(client: Client, node_name: str, unschedulable: bool) -> bool:
    """True if the node changed, False if it already was so."""
    nodes = await client.resource("nodes")
    node = await nodes.get(node_name)
    if bool((node.get("spec") or {}).get("unschedulable")) == unschedulable:
        return False
    # null removes the field, as kubectl leaves an uncordoned node (omitempty false).
    await nodes.patch(node_name, {"spec": {"unschedulable": True if unschedulable else None}})
    return True


async def cordon(client: Client, node_name: str) -> str:
    changed = await _set_unschedulable(client, node_name, True)
    return f"node/{node_name} {'cordoned' if changed else 'already cordoned'}"


async def uncordon(client: Client, node_name: str) -> str:
    changed = await _set_unschedulable(client, node_name, False)
    return f"node/{node_name} {'uncordoned' if changed else 'already uncordoned'}"
