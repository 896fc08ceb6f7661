"""TableRows built by hand, shaped as the server's pods Table prints them."""

from __future__ import annotations

from ktui.client import Column, TableRow

POD_COLUMNS = [
    Column("Name", "string", "name"),
    Column("Ready", "string"),
    Column("Status", "string"),
    Column("Restarts", "string"),
    Column("Age", "string"),
    Column("IP", "string", priority=1),
    Column("Node", "string", priority=1),
]


def pod_row(
    name: str,
    status: str = "Running",
    *,
    namespace: str = "default",
    ready: str = "1/1",
    restarts: str = "0",
    created: str = "2024-05-01T12:00:00Z",
    labels: dict[str, str] | None = None,
    uid: str | None = None,
    ip: str = "10.0.0.1",
    node: str = "node-1",
) -> TableRow:
    meta = {
        "name": name,
        "namespace": namespace,
        "uid": uid if uid is not None else f"uid-{namespace}-{name}",
        "creationTimestamp": created,
        "labels": labels if labels is not None else {"app": name.split("-")[0]},
    }
    return TableRow([name, ready, status, restarts, "5m", ip, node], {"metadata": meta})
