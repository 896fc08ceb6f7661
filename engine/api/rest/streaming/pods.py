"""What every pod stream needs before it reaches a node agent: the pod, the container
(pod.validateContainer of kube-apiserver, with its messages), the node and its agent."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.api.node_agents import NodeAgent, NodeAgents
from engine.api.status import StatusError
from engine.api.storage.errors import bad_request
from engine.api.storage.service import APIStorage
from engine.api.storage.views import kv_object
from engine.registry.types import Obj, ResourceType


@dataclass(frozen=True, slots=True)
class PodTarget:
    pod: Obj
    container: str  # "" for port-forward, which is for the whole pod
    agent: NodeAgent


def container_names(pod: Obj) -> list[str]:
    """Every container, in podutil.VisitContainers order: init, regular, ephemeral."""
    spec: dict[str, Any] = pod.get("spec") or {}
    names: list[str] = []
    for field in ("initContainers", "containers", "ephemeralContainers"):
        names += [c.get("name", "") for c in spec.get(field) or []]
    return names


def choose_container(pod: Obj, container: str) -> str:
    """The container asked for, or the only one; 400 with kube-apiserver's words."""
    name = (pod.get("metadata") or {}).get("name", "")
    if not container:
        regular = (pod.get("spec") or {}).get("containers") or []
        if len(regular) == 1:
            return str(regular[0].get("name", ""))
        if not regular:
            raise bad_request(f"a container name must be specified for pod {name}")
        choices = " ".join(container_names(pod))
        raise bad_request(
            f"a container name must be specified for pod {name}, choose one of: [{choices}]"
        )
    if container not in container_names(pod):
        raise bad_request(f"container {container} is not valid for pod {name}")
    return container


class PodLookup:
    def __init__(self, storage: APIStorage, agents: NodeAgents) -> None:
        self.storage = storage
        self.agents = agents

    async def pod(self, rt: ResourceType, namespace: str, name: str) -> Obj:
        return kv_object(rt, await self.storage.get(rt, namespace, name))

    def agent(self, pod: Obj, what: str) -> NodeAgent:
        """The pod's node agent. No node yet: 400 (for pods/log kube-apiserver answers
        204 with no body instead; the 400 says why, which ktui's log view shows). A node
        that no agent serves: a clear 503."""
        name = (pod.get("metadata") or {}).get("name", "")
        node = (pod.get("spec") or {}).get("nodeName")
        if not node:
            raise bad_request(f"pod {name} does not have a host assigned")
        agent = self.agents.get(node)
        if agent is None:
            raise StatusError(
                503,
                "ServiceUnavailable",
                f"{what} is not available yet: node {node} has no kubelet serving it "
                "in this engine",
                {"kind": what},
            )
        return agent

    async def target(
        self, rt: ResourceType, namespace: str, name: str, container: str | None, what: str
    ) -> PodTarget:
        """Pod, container (None: none needed) and agent, checked in upstream's order."""
        pod = await self.pod(rt, namespace, name)
        chosen = choose_container(pod, container or "") if container is not None else ""
        return PodTarget(pod, chosen, self.agent(pod, what))
