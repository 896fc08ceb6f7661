"""A lab cluster with kubelets in this process, and what the tests ask of it."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from engine.cluster import Cluster
from engine.kubelet import KubeletTiming

KUBECTL = "/usr/bin/kubectl"
T = TypeVar("T")

# Short enough that back-off and heartbeats show within a test, long enough to observe.
FAST = KubeletTiming(
    lease_renew=0.3,
    node_status_report=1.0,
    backoff_initial=0.4,
    backoff_max=1.6,
    grace_cap=10.0,
    kill_wait=2.0,
)

TOML = """
name = "kubelet-tests"

[[nodes]]
name = "node-a"
cpu = "2"
memory = "4Gi"
pods = 30
labels = { "tier" = "test" }
taints = [{ key = "dedicated", value = "tests", effect = "PreferNoSchedule" }]

[[nodes]]
name = "node-b"
"""


def cluster_folder(root: Path, toml: str = TOML, manifests: str = "") -> Path:
    folder = root / "lab"
    (folder / "manifests").mkdir(parents=True, exist_ok=True)
    (folder / "cluster.toml").write_text(toml)
    if manifests:
        (folder / "manifests" / "seed.yaml").write_text(manifests)
    return folder


def boot(root: Path, toml: str = TOML, manifests: str = "") -> Cluster:
    cluster = Cluster(
        root / "data",
        cluster_dir=cluster_folder(root, toml, manifests),
        port=0,
        kubelet_timing=FAST,
    )
    cluster.start()
    return cluster


def until(probe: Callable[[], T | None], timeout: float = 10.0, what: str = "") -> T:
    """Poll until `probe` returns something truthy; fail with the last value otherwise."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while True:
        try:
            last = probe()
        except (AssertionError, LookupError, TypeError, AttributeError) as exc:
            last = exc  # a status not written yet reads as None
        else:
            if last:
                return last
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or probe}: last {last!r}")
        time.sleep(0.05)


def kubectl(cluster: Cluster, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [KUBECTL, "--kubeconfig", str(cluster.kubeconfig_path), *args],
        capture_output=True,
        text=True,
        timeout=30,
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead for our purposes.
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state != "Z"


def pid_of(container_status: Any) -> int:
    container_id = container_status.container_id or ""
    assert container_id.startswith("process://"), container_id
    return int(container_id.removeprefix("process://"))


def pod(name: str, *containers: dict, node: str = "node-a", **spec: Any) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name},
        "spec": {"nodeName": node, "containers": list(containers), **spec},
    }


def sh(name: str, script: str, **extra: Any) -> dict:
    return {"name": name, "image": "busybox:1.36", "command": ["sh", "-c", script], **extra}
