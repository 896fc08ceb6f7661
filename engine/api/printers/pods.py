"""Pods: READY, STATUS, RESTARTS as `kubectl get pods` shows them (printPod, 1.32).

STATUS is not a field: it is derived, in this order, from the phase or status.reason, a
SchedulingGated condition, the first unfinished init container ("Init:0/2",
"Init:CrashLoopBackOff", "Init:Error"), then the containers' waiting/terminated reasons
("ContainerCreating", "CrashLoopBackOff", "Completed"), and finally the deletion
timestamp ("Terminating", or "Unknown" for pods on a lost node).
"""

from __future__ import annotations

from typing import Any

from ..humanize import human_duration, parse_time, since
from .columns import AGE, NAME, col, wide
from .helpers import Obj, as_int, get, meta
from .registry import register

COLUMNS = (
    NAME,
    col("Ready", "The aggregate readiness state of this pod for accepting traffic."),
    col("Status", "The aggregate status of the containers in this pod."),
    col(
        "Restarts",
        "The number of times the containers in this pod have been restarted and when the "
        "last container in this pod has restarted.",
    ),
    AGE,
    wide("IP", "PodStatus.podIP"),
    wide("Node", "PodSpec.nodeName"),
    wide("Nominated Node", "PodStatus.nominatedNodeName"),
    wide("Readiness Gates", "PodSpec.readinessGates"),
)

_SUCCEEDED = [
    {
        "type": "Completed",
        "status": "True",
        "reason": "Succeeded",
        "message": "The pod has completed successfully.",
    }
]
_FAILED = [
    {"type": "Completed", "status": "True", "reason": "Failed", "message": "The pod failed."}
]


def pod_conditions(pod: Obj) -> list[dict[str, str]]:
    """The row conditions upstream attaches to finished pods."""
    phase = get(pod, "status", "phase")
    if phase == "Succeeded":
        return [dict(c) for c in _SUCCEEDED]
    if phase == "Failed":
        return [dict(c) for c in _FAILED]
    return []


def _condition_true(status: Obj, kind: str) -> bool:
    return any(
        c.get("type") == kind and c.get("status") == "True" for c in status.get("conditions") or []
    )


def _restartable(container: Obj | None) -> bool:
    """A sidecar: an init container with restartPolicy Always."""
    return bool(container) and container.get("restartPolicy") == "Always"


def _later(current: float | None, state: Obj) -> float | None:
    finished = parse_time(get(state, "lastState", "terminated", "finishedAt"))
    if finished is not None and (current is None or finished > current):
        return finished
    return current


def _terminated_reason(terminated: Obj, prefix: str = "") -> str:
    if terminated.get("reason"):
        return prefix + terminated["reason"]
    if as_int(terminated.get("signal")):
        return f"{prefix}Signal:{as_int(terminated.get('signal'))}"
    return f"{prefix}ExitCode:{as_int(terminated.get('exitCode'))}"


def pod_status(pod: Obj) -> tuple[int, int, str, int, float | None]:
    """(ready, total, reason, restarts, last restart time) as printPod computes them."""
    spec, status = pod.get("spec") or {}, pod.get("status") or {}
    phase = status.get("phase") or ""
    reason = status.get("reason") or phase
    for condition in status.get("conditions") or []:
        if condition.get("type") == "PodScheduled" and condition.get("reason") == "SchedulingGated":
            reason = "SchedulingGated"

    init_specs = {c.get("name"): c for c in spec.get("initContainers") or []}
    total = len(spec.get("containers") or []) + sum(
        1 for c in init_specs.values() if _restartable(c)
    )
    ready = restarts = sidecar_restarts = 0
    last_restart: float | None = None
    last_sidecar_restart: float | None = None

    initializing = False
    init_count = len(spec.get("initContainers") or [])
    for i, cs in enumerate(status.get("initContainerStatuses") or []):
        restarts += as_int(cs.get("restartCount"))
        last_restart = _later(last_restart, cs)
        sidecar = _restartable(init_specs.get(cs.get("name")))
        if sidecar:
            sidecar_restarts += as_int(cs.get("restartCount"))
            last_sidecar_restart = _later(last_sidecar_restart, cs)
        state = cs.get("state") or {}
        terminated, waiting = state.get("terminated"), state.get("waiting")
        if terminated is not None and as_int(terminated.get("exitCode")) == 0:
            continue
        if sidecar and cs.get("started"):
            ready += 1 if cs.get("ready") else 0
            continue
        if terminated is not None:
            reason = _terminated_reason(terminated, "Init:")
        elif (
            waiting is not None and waiting.get("reason") and waiting["reason"] != "PodInitializing"
        ):
            reason = "Init:" + waiting["reason"]
        else:
            reason = f"Init:{i}/{init_count}"
        initializing = True
        break  # the first unfinished init container tells the story

    if not initializing or _condition_true(status, "Initialized"):
        restarts, last_restart = sidecar_restarts, last_sidecar_restart
        has_running = False
        # Backwards, so the first container's state wins.
        for cs in reversed(status.get("containerStatuses") or []):
            restarts += as_int(cs.get("restartCount"))
            last_restart = _later(last_restart, cs)
            state = cs.get("state") or {}
            waiting, terminated = state.get("waiting"), state.get("terminated")
            if waiting is not None and waiting.get("reason"):
                reason = waiting["reason"]
            elif terminated is not None:
                reason = _terminated_reason(terminated)
            elif cs.get("ready") and state.get("running") is not None:
                has_running = True
                ready += 1
        if reason == "Completed" and has_running:
            reason = "Running" if _condition_true(status, "Ready") else "NotReady"

    if meta(pod, "deletionTimestamp") is not None:
        if status.get("reason") == "NodeLost":
            reason = "Unknown"
        elif phase not in ("Succeeded", "Failed"):
            reason = "Terminating"
    return ready, total, reason, restarts, last_restart


def _readiness_gates(pod: Obj) -> str:
    gates = get(pod, "spec", "readinessGates", default=[])
    if not gates:
        return "<none>"
    conditions = get(pod, "status", "conditions", default=[])
    true = 0
    for gate in gates:
        for condition in conditions:
            if condition.get("type") == gate.get("conditionType"):
                true += condition.get("status") == "True"
                break
    return f"{true}/{len(gates)}"


def _pod_ip(pod: Obj) -> str:
    # Internally podIPs is filled from podIP when only the latter is set.
    return get(pod, "status", "podIPs", 0, "ip") or get(pod, "status", "podIP") or ""


@register("", "Pod", COLUMNS, conditions=pod_conditions)
def pod_cells(pod: Obj, now: float) -> list[Any]:
    ready, total, reason, restarts, last_restart = pod_status(pod)
    restarts_cell = str(restarts)
    if restarts != 0 and last_restart is not None:
        restarts_cell = f"{restarts} ({human_duration(now - last_restart)} ago)"
    return [
        meta(pod, "name", ""),
        f"{ready}/{total}",
        reason,
        restarts_cell,
        since(meta(pod, "creationTimestamp"), now),
        _pod_ip(pod) or "<none>",
        get(pod, "spec", "nodeName") or "<none>",
        get(pod, "status", "nominatedNodeName") or "<none>",
        _readiness_gates(pod),
    ]
