"""The Node object a kubelet registers and the Lease it renews (pure functions)."""

from __future__ import annotations

import platform
import shutil
from datetime import UTC, datetime
from pathlib import Path

from engine.api.app import version_info
from engine.registry.types import Obj

from .config import NodeConfig

KUBELET_PORT = 10250
LEASE_NAMESPACE = "kube-node-lease"
ARCH = {"x86_64": "amd64", "aarch64": "arm64", "armv7l": "arm"}.get(
    platform.machine(), platform.machine()
)

# (type, status, reason, message) as kubelet's setters word them.
CONDITIONS = (
    (
        "MemoryPressure",
        "False",
        "KubeletHasSufficientMemory",
        "kubelet has sufficient memory available",
    ),
    ("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
    ("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
    ("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
)


def rfc3339(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def micro_time(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _read(path: str, default: str = "") -> str:
    try:
        return Path(path).read_text().strip()
    except OSError:
        return default


def _os_image() -> str:
    for line in _read("/etc/os-release").splitlines():
        key, _, value = line.partition("=")
        if key == "PRETTY_NAME":
            return value.strip('"')
    return platform.system()


def node_labels(config: NodeConfig) -> dict[str, str]:
    os_name = platform.system().lower()
    return {
        "beta.kubernetes.io/arch": ARCH,
        "beta.kubernetes.io/os": os_name,
        "kubernetes.io/arch": ARCH,
        "kubernetes.io/hostname": config.name,
        "kubernetes.io/os": os_name,
        **config.labels,
    }


def capacity(config: NodeConfig, data_dir: Path) -> dict[str, str]:
    try:
        disk = shutil.disk_usage(data_dir).total
    except OSError:
        disk = 0
    return {
        "cpu": config.cpu,
        "ephemeral-storage": f"{disk // 1024}Ki",
        "hugepages-1Gi": "0",
        "hugepages-2Mi": "0",
        "memory": config.memory,
        "pods": str(config.pods),
    }


def node_info(runtime: str) -> dict[str, str]:
    machine_id = _read("/etc/machine-id")
    return {
        "machineID": machine_id,
        "systemUUID": machine_id,
        "bootID": _read("/proc/sys/kernel/random/boot_id"),
        "kernelVersion": platform.release(),
        "osImage": _os_image(),
        "containerRuntimeVersion": f"ktui-{runtime}://1",
        "kubeletVersion": version_info()["gitVersion"],
        "kubeProxyVersion": "",
        "operatingSystem": platform.system().lower(),
        "architecture": ARCH,
    }


def conditions(now: float, previous: list[Obj] | None = None) -> list[Obj]:
    """Kubelet's four conditions; a condition keeps its transition time while unchanged."""
    before = {c.get("type"): c for c in previous or () if isinstance(c, dict)}
    out = []
    for kind, status, reason, message in CONDITIONS:
        old = before.get(kind) or {}
        same = old.get("status") == status and old.get("lastTransitionTime")
        out.append(
            {
                "type": kind,
                "status": status,
                "lastHeartbeatTime": rfc3339(now),
                "lastTransitionTime": old["lastTransitionTime"] if same else rfc3339(now),
                "reason": reason,
                "message": message,
            }
        )
    return out


def node_status(
    config: NodeConfig, data_dir: Path, now: float, previous: list[Obj] | None = None
) -> Obj:
    resources = capacity(config, data_dir)
    return {
        "capacity": resources,
        "allocatable": dict(resources),
        "conditions": conditions(now, previous),
        # Process-runtime pods share the host's network, so the node's address is loopback.
        "addresses": [
            {"type": "InternalIP", "address": "127.0.0.1"},
            {"type": "Hostname", "address": config.name},
        ],
        "daemonEndpoints": {"kubeletEndpoint": {"Port": KUBELET_PORT}},
        "nodeInfo": node_info(config.runtime),
    }


def node_object(config: NodeConfig, data_dir: Path, now: float) -> Obj:
    spec: Obj = {}
    if config.taints:
        spec["taints"] = [dict(t) for t in config.taints]
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": config.name,
            "labels": node_labels(config),
            "annotations": {"node.alpha.kubernetes.io/ttl": "0"},
        },
        "spec": spec,
        "status": node_status(config, data_dir, now),
    }


def lease_object(node: Obj, duration: int, now: float) -> Obj:
    meta = node.get("metadata") or {}
    return {
        "apiVersion": "coordination.k8s.io/v1",
        "kind": "Lease",
        "metadata": {
            "name": meta.get("name"),
            "namespace": LEASE_NAMESPACE,
            "ownerReferences": [
                {
                    "apiVersion": "v1",
                    "kind": "Node",
                    "name": meta.get("name"),
                    "uid": meta.get("uid"),
                }
            ],
        },
        "spec": {
            "holderIdentity": meta.get("name"),
            "leaseDurationSeconds": duration,
            "renewTime": micro_time(now),
        },
    }
