"""Nodes: STATUS from the Ready condition and spec.unschedulable, ROLES from labels."""

from __future__ import annotations

from typing import Any

from ..humanize import since
from .columns import AGE, NAME, col, wide
from .helpers import Obj, get, meta
from .registry import register

ROLE_PREFIX = "node-role.kubernetes.io/"
ROLE_LABEL = "kubernetes.io/role"

COLUMNS = (
    NAME,
    col("Status", "The status of the node"),
    col("Roles", "The roles of the node"),
    AGE,
    col("Version", "NodeSystemInfo.kubeletVersion"),
    wide("Internal-IP", "NodeStatus.addresses"),
    wide("External-IP", "NodeStatus.addresses"),
    wide("OS-Image", "NodeSystemInfo.osImage"),
    wide("Kernel-Version", "NodeSystemInfo.kernelVersion"),
    wide("Container-Runtime", "NodeSystemInfo.containerRuntimeVersion"),
)


def node_roles(node: Obj) -> list[str]:
    """findNodeRoles: node-role.kubernetes.io/<role> keys and kubernetes.io/role values."""
    roles = set()
    for key, value in (meta(node, "labels") or {}).items():
        if key.startswith(ROLE_PREFIX) and len(key) > len(ROLE_PREFIX):
            roles.add(key[len(ROLE_PREFIX) :])
        elif key == ROLE_LABEL and value:
            roles.add(value)
    return sorted(roles)


def node_status(node: Obj) -> str:
    # Only the Ready condition counts; the last one of that type wins, as in Go's map.
    ready = None
    for condition in get(node, "status", "conditions", default=[]):
        if condition.get("type") == "Ready":
            ready = condition
    if ready is None:
        parts = ["Unknown"]
    else:
        parts = ["Ready" if ready.get("status") == "True" else "NotReady"]
    if get(node, "spec", "unschedulable"):
        parts.append("SchedulingDisabled")
    return ",".join(parts)


def _address(node: Obj, kind: str) -> str:
    for address in get(node, "status", "addresses", default=[]):
        if address.get("type") == kind:
            return address.get("address", "")
    return "<none>"


@register("", "Node", COLUMNS)
def node_cells(node: Obj, now: float) -> list[Any]:
    info = get(node, "status", "nodeInfo", default={})
    return [
        meta(node, "name", ""),
        node_status(node),
        ",".join(node_roles(node)) or "<none>",
        since(meta(node, "creationTimestamp"), now),
        info.get("kubeletVersion", ""),
        _address(node, "InternalIP"),
        _address(node, "ExternalIP"),
        info.get("osImage") or "<unknown>",
        info.get("kernelVersion") or "<unknown>",
        info.get("containerRuntimeVersion") or "<unknown>",
    ]
