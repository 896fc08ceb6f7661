"""Which log file answers `kubectl logs` for a container (kubelet's validateContainerLogStatus).

An instance's log is <restartCount>.log: the running or last terminated instance is the
container's restartCount; while it waits to restart (CrashLoopBackOff) the one that
ended still carries that number, so `--previous` is one less only once it runs again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.api.node_agents import ContainerLog
from engine.api.status import bad_request
from engine.registry.types import Obj

from .runtime import ProcessRuntime

if TYPE_CHECKING:
    from .pod_worker import PodWorker


def _find(statuses: list[Obj], name: str) -> Obj | None:
    return next((s for s in statuses if isinstance(s, dict) and s.get("name") == name), None)


def container_log(
    runtime: ProcessRuntime, pod: Obj, worker: PodWorker | None, container: str, previous: bool
) -> ContainerLog:
    pod_name = (pod.get("metadata") or {}).get("name", "")
    status = worker.status() if worker is not None else pod.get("status") or {}
    found = _find(
        (status.get("containerStatuses") or []) + (status.get("initContainerStatuses") or []),
        container,
    )
    if found is None:
        raise bad_request(f'container "{container}" in pod "{pod_name}" is not available')
    state, last = found.get("state") or {}, found.get("lastState") or {}
    count = int(found.get("restartCount") or 0)
    if previous:
        instance = count if "waiting" in state else count - 1
        path = runtime.log_path(pod, container, instance)
        if "terminated" not in last or instance < 0 or not path.exists():
            raise bad_request(
                f'previous terminated container "{container}" in pod "{pod_name}" not found'
            )
        return ContainerLog(path, lambda: False)
    if "running" in state or ("terminated" in state and state["terminated"].get("containerID")):
        instance = count
    elif "terminated" in last:
        instance = count if "waiting" in state else count - 1
    elif "terminated" in state:
        raise bad_request(f'container "{container}" in pod "{pod_name}" is terminated')
    else:
        reason = (state.get("waiting") or {}).get("reason", "ContainerCreating")
        raise bad_request(
            f'container "{container}" in pod "{pod_name}" is waiting to start: {reason}'
        )
    path = runtime.log_path(pod, container, instance)
    if not path.exists():
        raise bad_request(f'container "{container}" in pod "{pod_name}" is not available')
    record = worker.record(container) if worker is not None else None

    def running() -> bool:
        process = record.process if record is not None else None
        return process is not None and process.log_path == path and process.running

    return ContainerLog(path, running)
