"""Following a container across restarts, as k9s does (`kubectl logs -f` ends with the
instance): once a follow stream ends, wait for the container's next instance, or learn
that there will be none."""

from __future__ import annotations

import asyncio
from typing import Any

from ktui.client import ClientError, NotFound, ResourceClient

POLL_SECONDS = 1.0  # one GET a second while a crash-looping container backs off
FINISHED = ("Succeeded", "Failed")


def container_status(pod: dict[str, Any], container: str) -> dict[str, Any] | None:
    status = pod.get("status") or {}
    for entry in (status.get("containerStatuses") or []) + (
        status.get("initContainerStatuses") or []
    ):
        if entry.get("name") == container:
            return entry
    return None


def restart_count(pod: dict[str, Any], container: str) -> int | None:
    entry = container_status(pod, container)
    return None if entry is None else int(entry.get("restartCount") or 0)


def will_not_restart(pod: dict[str, Any], container: str) -> bool:
    """The pod is gone or done, or its restart policy keeps this container stopped."""
    if (pod.get("metadata") or {}).get("deletionTimestamp"):
        return True
    if (pod.get("status") or {}).get("phase") in FINISHED:
        return True
    policy = (pod.get("spec") or {}).get("restartPolicy") or "Always"
    if policy == "Never":
        return True
    terminated = ((container_status(pod, container) or {}).get("state") or {}).get("terminated")
    return policy == "OnFailure" and terminated is not None and terminated.get("exitCode") == 0


async def next_instance(
    pods: ResourceClient,
    name: str,
    namespace: str | None,
    container: str,
    seen: int,
    poll: float = POLL_SECONDS,
) -> int | None:
    """Wait until `container` has an instance after its `seen`th restart that has a log
    (running, or already terminated); its restart count, or None if it never will."""
    while True:
        try:
            pod = await pods.get(name, namespace)
        except NotFound:
            return None
        except ClientError:
            return None  # the stream's caller says the stream ended; no guessing
        entry = container_status(pod, container) or {}
        count = int(entry.get("restartCount") or 0)
        state = entry.get("state") or {}
        if count > seen and ("running" in state or "terminated" in state):
            return count
        if will_not_restart(pod, container):
            return None
        await asyncio.sleep(poll)
