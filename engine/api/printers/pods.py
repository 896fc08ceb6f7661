"""Pods: READY, STATUS, RESTARTS as `kubectl get pods` shows them (printPod, 1.32).

STATUS is not a field: it is derived, in this order, from the phase or status.reason, a
SchedulingGated condition, the first unfinished init container ("Init:0/2",
"Init:CrashLoopBackOff", "Init:Error"), then the containers' waiting/terminated reasons
("ContainerCreating", "CrashLoopBackOff", "Completed"), and finally the deletion
timestamp ("Terminating", or "Unknown" for pods on a lost node).
"""

from __future__ import annotations

from typing import Any

from .columns import AGE, NAME, col, wide
from .helpers import Obj, as_int, duration, get, parse_time
from .pod_view import pod_view
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


_EMPTY: Obj = {}


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
    return bool(container) and container.get("restartPolicy") == "Always"  # type: ignore[union-attr]


def _later(current: float | None, cs: Obj) -> float | None:
    """The later of `current` and the container's last termination (lastState)."""
    last = cs.get("lastState")
    if not last:  # the usual case: never restarted
        return current
    finished = parse_time(get(last, "terminated", "finishedAt"))
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
    return _pod_status(pod.get("spec") or _EMPTY, pod.get("status") or _EMPTY, pod)


Restarts = tuple[int, "float | None"]  # (count, time of the last one)


def _init_containers(
    spec: Obj, status: Obj, reason: str
) -> tuple[int, int, Restarts, Restarts, str, bool]:
    """The init containers, up to the first unfinished one: (sidecars, ready, restarts of
    all, restarts of the sidecars, reason, initializing)."""
    init_list = spec.get("initContainers") or []
    init_specs = {c.get("name"): c for c in init_list}
    sidecars = sum(1 for c in init_specs.values() if _restartable(c))
    ready = restarts = sidecar_restarts = 0
    last_restart: float | None = None
    last_sidecar_restart: float | None = None
    initializing = False
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
            reason = f"Init:{i}/{len(init_list)}"
        initializing = True
        break  # the first unfinished init container tells the story
    return (
        sidecars,
        ready,
        (restarts, last_restart),
        (sidecar_restarts, last_sidecar_restart),
        reason,
        initializing,
    )


def _pod_status(spec: Obj, status: Obj, pod: Obj) -> tuple[int, int, str, int, float | None]:
    phase = status.get("phase") or ""
    reason = status.get("reason") or phase
    for condition in status.get("conditions") or ():
        if condition.get("type") == "PodScheduled" and condition.get("reason") == "SchedulingGated":
            reason = "SchedulingGated"

    total = len(spec.get("containers") or ())
    ready = 0
    restarts: int = 0
    last_restart: float | None = None
    sidecar_restarts: Restarts = (0, None)
    initializing = False
    if spec.get("initContainers") or status.get("initContainerStatuses"):
        sidecars, ready, (restarts, last_restart), sidecar_restarts, reason, initializing = (
            _init_containers(spec, status, reason)
        )
        total += sidecars

    if not initializing or _condition_true(status, "Initialized"):
        restarts, last_restart = sidecar_restarts
        has_running = False
        # Backwards, so the first container's state wins.
        for cs in reversed(status.get("containerStatuses") or ()):
            restarts += as_int(cs.get("restartCount"))
            last_restart = _later(last_restart, cs)
            state = cs.get("state") or _EMPTY
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

    if (pod.get("metadata") or _EMPTY).get("deletionTimestamp") is not None:
        if status.get("reason") == "NodeLost":
            reason = "Unknown"
        elif phase not in ("Succeeded", "Failed"):
            reason = "Terminating"
    return ready, total, reason, restarts, last_restart


def _readiness_gates(spec: Obj, status: Obj) -> str:
    gates = spec.get("readinessGates")
    if not gates:  # the usual case, without get()'s path walk
        return "<none>"
    conditions = get(status, "conditions", default=[])
    true = 0
    for gate in gates:
        for condition in conditions:
            if condition.get("type") == gate.get("conditionType"):
                true += condition.get("status") == "True"
                break
    return f"{true}/{len(gates)}"


def _pod_ip(status: Obj) -> str:
    # Internally podIPs is filled from podIP when only the latter is set.
    ips = status.get("podIPs")
    first = ips[0] if type(ips) is list and ips else None  # get()'s ABC checks cost
    ip = first.get("ip") if type(first) is dict else None
    return ip or status.get("podIP") or ""


# name, READY, STATUS, restarts, last restart, creation time, IP, node, nominated, gates
PodRow = tuple[Any, str, str, int, "float | None", "float | None", str, str, str, str]


def pod_row(pod: Obj) -> PodRow:
    """Everything pod_cells prints, before `now` turns times into ages."""
    spec = pod.get("spec") or _EMPTY
    status = pod.get("status") or _EMPTY
    ready, total, reason, restarts, last_restart = _pod_status(spec, status, pod)
    metadata = pod.get("metadata") or _EMPTY
    return (
        metadata.get("name") or "",
        f"{ready}/{total}",
        reason,
        restarts,
        last_restart,
        parse_time(metadata.get("creationTimestamp")),
        _pod_ip(status) or "<none>",
        spec.get("nodeName") or "<none>",
        status.get("nominatedNodeName") or "<none>",
        _readiness_gates(spec, status),
    )


def pod_row_cells(row: PodRow, now: float) -> list[Any]:
    name, ready, reason, restarts, last_restart, created, ip, node, nominated, gates = row
    restarts_cell = str(restarts)
    if restarts != 0 and last_restart is not None:
        restarts_cell = f"{restarts} ({duration(now - last_restart)} ago)"
    age = "<unknown>" if created is None else duration(now - created)
    return [name, ready, reason, restarts_cell, age, ip, node, nominated, gates]


@register(
    "",
    "Pod",
    COLUMNS,
    conditions=pod_conditions,
    prepare=pod_row,
    finish=pod_row_cells,
    view=pod_view,
)
def pod_cells(pod: Obj, now: float) -> list[Any]:
    return pod_row_cells(pod_row(pod), now)
