"""The containers of one pod as table rows (the view Enter opens on a pod, as in k9s)."""

from __future__ import annotations

from typing import Any

from ktui.client import Column, TableRow

COLUMNS = [
    Column("Name", "string"),
    Column("Image", "string"),
    Column("Ready", "string"),
    Column("State", "string"),
    Column("Init", "string"),
    Column("Restarts", "integer"),
    Column("Ports", "string"),
    Column("Age", "string"),
]


def container_rows(pod: dict[str, Any]) -> list[TableRow]:
    meta = pod.get("metadata") or {}
    spec = pod.get("spec") or {}
    status = pod.get("status") or {}
    statuses = {
        s.get("name"): s
        for s in (status.get("initContainerStatuses") or [])
        + (status.get("containerStatuses") or [])
    }
    rows = []
    for init, containers in (
        (True, spec.get("initContainers") or []),
        (False, spec.get("containers") or []),
    ):
        for container in containers:
            name = container.get("name", "")
            state_of = statuses.get(name) or {}
            started = _started_at(state_of)
            rows.append(
                TableRow(
                    [
                        name,
                        container.get("image", ""),
                        "true" if state_of.get("ready") else "false",
                        _state(state_of),
                        "true" if init else "false",
                        int(state_of.get("restartCount") or 0),
                        _ports(container),
                        "",
                    ],
                    {
                        "metadata": {
                            "name": name,
                            "namespace": meta.get("namespace", ""),
                            "uid": f"{meta.get('uid', '')}/{name}",
                            "creationTimestamp": started or meta.get("creationTimestamp"),
                        }
                    },
                )
            )
    return rows


def _state(status: dict[str, Any]) -> str:
    state = status.get("state") or {}
    if "running" in state:
        return "Running"
    if "terminated" in state:
        return state["terminated"].get("reason") or "Terminated"
    if "waiting" in state:
        return state["waiting"].get("reason") or "Waiting"
    return "Pending" if not status else "Unknown"


def _started_at(status: dict[str, Any]) -> str | None:
    state = status.get("state") or {}
    for phase in ("running", "terminated"):
        if phase in state:
            return state[phase].get("startedAt")
    return None


def _ports(container: dict[str, Any]) -> str:
    ports = []
    for port in container.get("ports") or []:
        name = f"{port['name']}:" if port.get("name") else ""
        ports.append(f"{name}{port.get('containerPort')}/{port.get('protocol', 'TCP')}")
    return ",".join(ports)
