"""`kubectl drain`: cordon a node, then evict its pods through the eviction subresource so
PodDisruptionBudgets are honoured, and wait until they are gone.

Which pods are evicted follows kubectl's filters (k8s.io/kubectl/pkg/drain/filters.go):
mirror pods are left alone (their kubelet owns them); DaemonSet pods are skipped with
`ignore_daemonsets` (their controller would put them straight back) and refuse the drain
otherwise; pods with emptyDir data need `delete_emptydir_data`; pods no controller will
recreate need `force`. Finished pods always go. A refused drain leaves the node cordoned,
as kubectl does.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ktui.client import ApiError, Client, NotFound, ResourceClient, TooManyRequests

from .errors import DrainError
from .nodes import cordon

MIRROR = "kubernetes.io/config.mirror"
FIRST_RETRY = 0.5  # seconds before retrying an eviction a disruption budget refused
MAX_RETRY = 5.0  # kubectl retries every 5 s
POLL = 0.5  # how often to look whether an evicted pod is gone
PARALLEL = 16  # evictions in flight at once

Progress = Callable[[str], None]


@dataclass
class DrainPlan:
    evict: list[dict[str, Any]] = field(default_factory=list)
    warnings: dict[str, list[str]] = field(default_factory=dict)  # message -> pods
    errors: dict[str, list[str]] = field(default_factory=dict)  # message -> pods


def pod_key(pod: dict[str, Any]) -> str:
    meta = pod.get("metadata") or {}
    return f"{meta.get('namespace')}/{meta.get('name')}"


def _controller(pod: dict[str, Any]) -> dict[str, Any] | None:
    refs = (pod.get("metadata") or {}).get("ownerReferences") or []
    return next((r for r in refs if r.get("controller")), None)


def _finished(pod: dict[str, Any]) -> bool:
    return (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed")


def plan(
    pods: list[dict[str, Any]],
    *,
    ignore_daemonsets: bool = True,
    delete_emptydir_data: bool = False,
    force: bool = False,
) -> DrainPlan:
    """Sort a node's pods into evict / skip (with a warning) / refuse, as kubectl drain."""
    result = DrainPlan()

    def note(where: dict[str, list[str]], message: str, pod: dict[str, Any]) -> None:
        where.setdefault(message, []).append(pod_key(pod))

    for pod in pods:
        meta = pod.get("metadata") or {}
        if MIRROR in (meta.get("annotations") or {}):
            continue
        controller = _controller(pod)
        if (
            controller
            and controller.get("kind") == "DaemonSet"
            and not meta.get("deletionTimestamp")
        ):
            if ignore_daemonsets:
                note(result.warnings, "ignoring DaemonSet-managed Pods", pod)
            else:
                note(
                    result.errors,
                    "cannot delete DaemonSet-managed Pods (ignore DaemonSets to proceed)",
                    pod,
                )
            continue
        problem = False
        if not _finished(pod):
            volumes = (pod.get("spec") or {}).get("volumes") or []
            if any("emptyDir" in v for v in volumes):
                if delete_emptydir_data:
                    note(result.warnings, "deleting Pods with local storage", pod)
                else:
                    note(
                        result.errors,
                        "cannot delete Pods with local storage (allow deleting emptyDir data to proceed)",
                        pod,
                    )
                    problem = True
            if controller is None:
                if force:
                    note(result.warnings, "deleting Pods that declare no controller", pod)
                else:
                    note(
                        result.errors,
                        "cannot delete Pods that declare no controller (force to proceed)",
                        pod,
                    )
                    problem = True
        if not problem:
            result.evict.append(pod)
    return result


def _listing(groups: dict[str, list[str]]) -> str:
    return "; ".join(f"{message}: {', '.join(pods)}" for message, pods in groups.items())


async def _evict_one(
    pods: ResourceClient,
    pod: dict[str, Any],
    deadline: float,
    grace_period: int | None,
    report: Progress,
) -> str | None:
    """Evict `pod` and wait until it is gone; None when done, else why not."""
    meta = pod["metadata"]
    name, namespace, uid = meta["name"], meta["namespace"], meta.get("uid")
    body: dict[str, Any] = {
        "apiVersion": "policy/v1",
        "kind": "Eviction",
        "metadata": {"name": name, "namespace": namespace},
    }
    if grace_period is not None:
        body["deleteOptions"] = {"gracePeriodSeconds": grace_period}
    wait = FIRST_RETRY
    while True:
        try:
            await pods.client.json("POST", pods.path(name, namespace, "eviction"), body=body)
            report(f"evicting pod {namespace}/{name}")
            break
        except NotFound:
            report(f"pod {namespace}/{name} evicted")
            return None
        except TooManyRequests as error:
            left = deadline - time.monotonic()
            if left <= 0:
                return error.message
            pause = min(max(wait, error.retry_after or 0.0), MAX_RETRY, left)
            report(
                f"cannot evict pod {namespace}/{name} (retrying in {pause:.1f}s): {error.message}"
            )
            await asyncio.sleep(pause)
            wait = min(wait * 2, MAX_RETRY)
        except ApiError as error:
            return error.message
    # Evicted: the pod terminates; it is gone when it is absent or replaced (another uid).
    while True:
        try:
            current = await pods.get(name, namespace)
        except NotFound:
            report(f"pod {namespace}/{name} evicted")
            return None
        if current["metadata"].get("uid") != uid:
            report(f"pod {namespace}/{name} evicted")
            return None
        if time.monotonic() >= deadline:
            return "still terminating"
        await asyncio.sleep(min(POLL, max(deadline - time.monotonic(), 0.0)))


async def drain(
    client: Client,
    node_name: str,
    ignore_daemonsets: bool = True,
    delete_emptydir_data: bool = False,
    timeout: float = 120.0,
    *,
    force: bool = False,
    grace_period: int | None = None,
    on_progress: Progress | None = None,
) -> str:
    """Cordon `node_name` and evict its pods; raises DrainError with the pods left behind
    when some are refused or not gone within `timeout` seconds."""
    report: Progress = on_progress or (lambda message: None)
    deadline = time.monotonic() + timeout
    report(await cordon(client, node_name))
    pods = await client.resource("pods")
    listed = await pods.list(all_namespaces=True, field_selector=f"spec.nodeName={node_name}")
    todo = plan(
        listed.items,
        ignore_daemonsets=ignore_daemonsets,
        delete_emptydir_data=delete_emptydir_data,
        force=force,
    )
    for message, keys in todo.warnings.items():
        report(f"Warning: {message}: {', '.join(keys)}")
    if todo.errors:
        refused = [key for keys in todo.errors.values() for key in keys]
        raise DrainError(
            f"node/{node_name} not drained: {_listing(todo.errors)}", refused, refused=True
        )

    gate = asyncio.Semaphore(PARALLEL)

    async def one(pod: dict[str, Any]) -> str | None:
        async with gate:
            return await _evict_one(pods, pod, deadline, grace_period, report)

    outcomes = await asyncio.gather(*(one(pod) for pod in todo.evict))
    failed = {pod_key(pod): why for pod, why in zip(todo.evict, outcomes, strict=True) if why}
    if failed:
        detail = "; ".join(f"{key}: {why}" for key, why in failed.items())
        raise DrainError(
            f"node/{node_name} not drained within {timeout:g}s: {detail}", list(failed)
        )
    return f"node/{node_name} drained"
