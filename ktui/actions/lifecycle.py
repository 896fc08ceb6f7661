"""Deleting objects: `ctrl-d` delete (graceful, background propagation as kubectl does) and
`ctrl-k` kill (no grace period: the object is removed at once, as `--force --grace-period=0`)."""

from __future__ import annotations

from typing import Any, Literal

from ktui.client import Client, NotFound, ResourceClient
from ktui.refs import ObjectRef

from .names import kind_name

Propagation = Literal["Foreground", "Background", "Orphan"]


async def _still_there(res: ResourceClient, ref: ObjectRef, answer: Any) -> bool:
    """Whether the object outlived its DELETE (a pod on a node waits for its kubelet,
    finalizers wait for controllers). The answer alone cannot tell: most kinds answer a
    Status once gone, but pods answer the deleted object, marked or not."""
    if not isinstance(answer, dict) or answer.get("kind") == "Status":
        return False
    meta = answer.get("metadata") or {}
    if not meta.get("deletionTimestamp"):
        return False
    try:
        current = await res.get(ref.name, ref.namespace)
    except NotFound:
        return False
    return (current.get("metadata") or {}).get("uid") == meta.get("uid")


async def delete(
    client: Client,
    ref: ObjectRef,
    propagation: Propagation = "Background",
    grace_period: int | None = None,
) -> str:
    res = client.bind(ref.resource)
    answer = await res.delete(
        ref.name, ref.namespace, propagation=propagation, grace_period=grace_period
    )
    outcome = "marked for deletion" if await _still_there(res, ref, answer) else "deleted"
    return f'{kind_name(ref)} "{ref.name}" {outcome}'


async def kill(client: Client, ref: ObjectRef) -> str:
    """Delete without waiting for a graceful shutdown (a pod's kubelet is not asked)."""
    res = client.bind(ref.resource)
    answer = await res.delete(ref.name, ref.namespace, propagation="Background", grace_period=0)
    if await _still_there(res, ref, answer):  # finalizers still hold it
        return f'{kind_name(ref)} "{ref.name}" killed (finalizers pending)'
    return f'{kind_name(ref)} "{ref.name}" killed'
