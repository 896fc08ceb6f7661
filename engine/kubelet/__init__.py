"""Node agents: a kubelet per node of the cluster folder, with a process runtime.

    engine.kubelet.config   NodeConfig ([[nodes]] of cluster.toml), KubeletTiming
    engine.kubelet.host     KubeletHost: every kubelet of a cluster on one thread
    engine.kubelet.kubelet  Kubelet: one node (docs/kubelet.md tells the whole story)

Kept free of imports so that reading a cluster folder does not load the API server.
"""

from __future__ import annotations

from typing import Any

from .config import KubeletTiming, NodeConfig, NodeConfigError

__all__ = ["Kubelet", "KubeletHost", "KubeletTiming", "NodeConfig", "NodeConfigError"]


def __getattr__(name: str) -> Any:  # the heavy parts load when first asked for
    if name == "KubeletHost":
        from .host import KubeletHost

        return KubeletHost
    if name == "Kubelet":
        from .kubelet import Kubelet

        return Kubelet
    raise AttributeError(name)
