"""A pod's status from its container records, as kubelet's generateAPIPodStatus has it."""

from __future__ import annotations

from engine.registry.types import Obj

from .records import ContainerRecord

# Process-runtime pods share the host's network namespace (there is no sandbox network to
# give them an address of their own), so, like hostNetwork pods, their IP is the node's.
HOST_IP = "127.0.0.1"
OWN_CONDITIONS = (
    "PodReadyToStartContainers",
    "Initialized",
    "ContainersReady",
    "Ready",
    "PodScheduled",
)


def phase(spec: Obj, inits: list[ContainerRecord], mains: list[ContainerRecord]) -> str:
    policy = spec.get("restartPolicy", "Always")
    for record in inits:
        if record.initialized:
            continue
        failed = "terminated" in record.state or "terminated" in record.last_state
        return "Failed" if failed and policy == "Never" else "Pending"
    running = waiting = stopped = succeeded = 0
    for record in mains:
        if "running" in record.state:
            running += 1
        elif "terminated" in record.state:
            stopped += 1
            succeeded += record.succeeded
        elif "terminated" in record.last_state:
            stopped += 1  # waiting to restart after a crash
        else:
            waiting += 1
    if waiting:
        return "Pending"
    if running:
        return "Running"
    if not stopped:
        return "Pending"
    if policy == "Always":
        return "Running"
    if stopped == succeeded:
        return "Succeeded"
    return "Failed" if policy == "Never" else "Running"


def _condition(kind: str, ok: bool, reason: str = "", message: str = "") -> Obj:
    out: Obj = {"type": kind, "status": "True" if ok else "False", "lastProbeTime": None}
    if not ok and reason:
        out["reason"] = reason
    if not ok and message:
        out["message"] = message
    return out


def conditions(
    pod_phase: str, sandbox: bool, inits: list[ContainerRecord], mains: list[ContainerRecord]
) -> list[Obj]:
    pending_inits = [r.name for r in inits if not r.initialized]
    unready = [r.name for r in mains if not r.ready]
    out = [_condition("PodReadyToStartContainers", sandbox)]
    if pod_phase == "Succeeded" and not pending_inits:
        out.append(_condition("Initialized", True))
    else:
        out.append(
            _condition(
                "Initialized",
                not pending_inits,
                "ContainersNotInitialized",
                f"containers with incomplete status: [{' '.join(pending_inits)}]",
            )
        )
    if pod_phase == "Succeeded":
        ready = [_condition(k, False, "PodCompleted") for k in ("Ready", "ContainersReady")]
    elif pending_inits:
        message = f"containers with incomplete status: [{' '.join(pending_inits)}]"
        ready = [
            _condition(k, False, "ContainersNotInitialized", message)
            for k in ("Ready", "ContainersReady")
        ]
    else:
        message = f"containers with unready status: [{' '.join(unready)}]"
        ready = [
            _condition(k, not unready, "ContainersNotReady", message)
            for k in ("Ready", "ContainersReady")
        ]
    out.extend(ready)
    out.append(_condition("PodScheduled", True))
    return out


def keep_transition_times(new: list[Obj], old: list[Obj], now: str) -> list[Obj]:
    """A condition keeps its lastTransitionTime while its status is unchanged; conditions
    someone else owns (DisruptionTarget...) are kept as they are."""
    before = {c.get("type"): c for c in old if isinstance(c, dict)}
    mine = {c["type"] for c in new}
    out = []
    for cond in new:
        prev = before.get(cond["type"]) or {}
        same = prev.get("status") == cond["status"] and prev.get("lastTransitionTime")
        cond["lastTransitionTime"] = prev["lastTransitionTime"] if same else now
        out.append(cond)
    out.extend(c for c in old if isinstance(c, dict) and c.get("type") not in mine)
    return out


def pod_status(
    pod: Obj,
    inits: list[ContainerRecord],
    mains: list[ContainerRecord],
    *,
    sandbox: bool,
    start_time: str,
    now: str,
    forced_phase: str = "",
) -> Obj:
    spec = pod.get("spec") or {}
    old = pod.get("status") or {}
    pod_phase = forced_phase or phase(spec, inits, mains)
    status: Obj = {
        "phase": pod_phase,
        "conditions": keep_transition_times(
            conditions(pod_phase, sandbox, inits, mains), old.get("conditions") or [], now
        ),
        "hostIP": HOST_IP,
        "hostIPs": [{"ip": HOST_IP}],
        "startTime": start_time,
        "containerStatuses": [r.status() for r in mains],
        "qosClass": old.get("qosClass", "BestEffort"),
    }
    if sandbox:
        status["podIP"] = HOST_IP
        status["podIPs"] = [{"ip": HOST_IP}]
    if inits:
        status["initContainerStatuses"] = [r.status() for r in inits]
    return status
