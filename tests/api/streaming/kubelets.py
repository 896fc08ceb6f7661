"""A lab cluster (engine.cluster.Cluster, TLS, as `ktui serve`) with one real kubelet:
containers are local processes, so a pod's port is a port on 127.0.0.1."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from engine.cluster import Cluster
from engine.kubelet import KubeletTiming

from ..helpers import KUBECTL, isolated_env

T = TypeVar("T")
NODE = "node-a"
FAST = KubeletTiming(
    lease_renew=0.3,
    node_status_report=1.0,
    backoff_initial=0.3,
    backoff_max=1.2,
    grace_cap=5.0,
    kill_wait=2.0,
)


def boot(root: Path) -> Cluster:
    folder = root / "lab"
    (folder / "manifests").mkdir(parents=True)
    (folder / "cluster.toml").write_text(f'name = "streams"\n\n[[nodes]]\nname = "{NODE}"\n')
    cluster = Cluster(root / "data", cluster_dir=folder, port=0, kubelet_timing=FAST)
    cluster.start()
    return cluster


def kubectl(
    cluster: Cluster, *args: str, input: str | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [KUBECTL, "--kubeconfig", str(cluster.kubeconfig_path), *args],
        env=isolated_env(cluster.data_dir.parent),
        capture_output=True,
        text=True,
        input=input,
        timeout=timeout,
    )


def ok(cluster: Cluster, *args: str, input: str | None = None) -> str:
    result = kubectl(cluster, *args, input=input)
    assert result.returncode == 0, f"kubectl {' '.join(args)}: {result.stderr}"
    return result.stdout


def until(probe: Callable[[], T | None], what: str, timeout: float = 30.0) -> T:
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def free_port() -> int:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def pod(name: str, *containers: dict[str, Any], **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name},
        "spec": {"nodeName": NODE, "containers": list(containers), **spec},
    }


def sh(name: str, script: str) -> dict[str, Any]:
    return {"name": name, "image": "busybox:1.36", "command": ["sh", "-c", script]}
