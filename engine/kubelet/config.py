"""What a kubelet is told: its node (a `[[nodes]]` entry of cluster.toml) and its timings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

RUNTIMES = ("process", "simulated")


class NodeConfigError(ValueError):
    """A `[[nodes]]` entry that cannot be used (the message names the field)."""


@dataclass(frozen=True)
class NodeConfig:
    name: str
    cpu: str = "4"
    memory: str = "8Gi"
    pods: int = 110
    labels: dict[str, str] = field(default_factory=dict)
    taints: list[dict[str, str]] = field(default_factory=list)
    runtime: str = "process"

    @classmethod
    def from_toml(cls, entry: dict[str, Any]) -> NodeConfig:
        name = entry.get("name")
        if not isinstance(name, str) or not name:
            raise NodeConfigError("every [[nodes]] entry needs a name")
        where = f"node {name!r}"
        labels = entry.get("labels") or {}
        if not isinstance(labels, dict):
            raise NodeConfigError(f"{where}: labels must be a table of strings")
        taints = entry.get("taints") or []
        if not isinstance(taints, list) or not all(
            isinstance(t, dict) and t.get("key") and t.get("effect") for t in taints
        ):
            raise NodeConfigError(f"{where}: taints must be tables with a key and an effect")
        runtime = str(entry.get("runtime") or "process")
        if runtime not in RUNTIMES:
            raise NodeConfigError(
                f"{where}: runtime {runtime!r} is not one of {', '.join(RUNTIMES)}"
            )
        pods = entry.get("pods", 110)
        if not isinstance(pods, int) or pods < 0:
            raise NodeConfigError(f"{where}: pods must be a whole number")
        return cls(
            name=name,
            cpu=str(entry.get("cpu", "4")),
            memory=str(entry.get("memory", "8Gi")),
            pods=pods,
            labels={str(k): str(v) for k, v in labels.items()},
            taints=[{str(k): str(v) for k, v in t.items()} for t in taints],
            runtime=runtime,
        )


@dataclass(frozen=True)
class KubeletTiming:
    """Upstream's defaults; tests shorten them."""

    lease_renew: float = 10.0  # nodeLeaseRenewInterval (a quarter of the 40 s lease)
    lease_duration: int = 40
    node_status_report: float = 60.0  # the status is also written whenever it changes
    backoff_initial: float = 10.0  # crash back-off: 10 s doubling ...
    backoff_max: float = 300.0  # ... to 5 min
    grace_cap: float = 60.0  # never wait longer than this for a container to stop
    kill_wait: float = 2.0  # after SIGKILL, how long to wait for the exit
