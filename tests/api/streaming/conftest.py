"""A TLS lab (tests/api/rest) whose node `node-1` is served by a FakeAgent, with pods:
`one` (container main), `multi` (init + a + b), `pending` (no node), `orphan` (a node
no agent serves). Module-scoped: tests add what they need, under their own names."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from ..rest.conftest import Lab, create_namespace, start_lab, stop_lab
from .fake_agent import FakeAgent

NS = "streams"
NODE = "node-1"


def pod(name: str, containers: list[str], node: str | None = NODE, init: list[str] = ()) -> dict:
    spec: dict = {"containers": [{"name": c, "image": "busybox"} for c in containers]}
    if init:
        spec["initContainers"] = [{"name": c, "image": "busybox"} for c in init]
    if node:
        spec["nodeName"] = node
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": spec}


@dataclass
class StreamLab:
    lab: Lab
    agent: FakeAgent
    http: httpx.Client

    def path(self, pod: str, sub: str) -> str:
        return f"/api/v1/namespaces/{NS}/pods/{pod}/{sub}"

    @property
    def ws_url(self) -> str:
        return self.lab.url.replace("https://", "wss://")

    def ssl_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.lab.ca_file))


@pytest.fixture(scope="module")
def streams(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StreamLab]:
    tmp = tmp_path_factory.mktemp("streams")
    lab = start_lab(tmp)
    (tmp / "logs").mkdir()
    agent = FakeAgent(NODE, tmp / "logs")
    lab.api.node_agents.register(agent)
    context = ssl.create_default_context(cafile=str(lab.ca_file))
    with httpx.Client(
        base_url=lab.url,
        verify=context,
        headers={"Authorization": f"Bearer {lab.token}"},
        timeout=20,
    ) as http:
        create_namespace(http, NS)
        for manifest in (
            pod("one", ["main"]),
            pod("multi", ["a", "b"], init=["init"]),
            pod("pending", ["main"], node=None),
            pod("orphan", ["main"], node="node-x"),
        ):
            response = http.post(f"/api/v1/namespaces/{NS}/pods", json=manifest)
            assert response.status_code == 201, response.text
        yield StreamLab(lab, agent, http)
    stop_lab(lab)
