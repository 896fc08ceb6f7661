"""One embedded engine for the TUI tests (booted the way `ktui` boots it from a cluster
folder, with one node whose kubelet runs pods as local processes), a fresh client and
Session per test, and a namespace of each test's own."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from engine.cluster import Cluster
from engine.kubelet import KubeletTiming
from ktui.client import Client, connect
from ktui.config import Config
from ktui.session import Session

# The node whose kubelet runs the pods bound to it (`spec.nodeName`; there is no
# scheduler): pods of other tests are bound to no node or to nodes no kubelet serves.
NODE = "tui-node"
# Short back-off and grace so restarts and deletions happen within a test; the lease and
# node status keep upstream's pace, so the kubelet stays quiet beside the other tests.
FAST = KubeletTiming(backoff_initial=0.3, backoff_max=1.2, grace_cap=5.0, kill_wait=2.0)


@pytest.fixture(scope="session")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    root = tmp_path_factory.mktemp("tui-lab")
    folder = root / "cluster"
    (folder / "manifests").mkdir(parents=True)
    (folder / "cluster.toml").write_text(f'name = "tui"\n\n[[nodes]]\nname = "{NODE}"\n')
    cluster = Cluster(root / "data", cluster_dir=folder, port=0, kubelet_timing=FAST)
    cluster.start()
    yield cluster
    cluster.stop()


@pytest.fixture
def kubeconfig(engine: Cluster) -> Path:
    return engine.kubeconfig_path


@pytest.fixture
async def client(engine: Cluster) -> AsyncIterator[Client]:
    async with await connect(engine.kubeconfig_path) as instance:
        yield instance


@pytest.fixture
async def namespace(client: Client) -> str:
    """A namespace of the test's own; the client's default namespace points at it."""
    name = f"t-{uuid.uuid4().hex[:8]}"
    namespaces = await client.resource("namespaces")
    await namespaces.create({"metadata": {"name": name}})
    client.namespace = name
    return name


@pytest.fixture
def session(client: Client, namespace: str) -> Session:
    return Session(
        client,
        context="lab",
        cluster="lab",
        user="admin",
        server_version="v1.32.0",
        config=Config(namespace=namespace),
    )


def pod(name: str, *, image: str = "nginx:1.27", labels: dict | None = None, **spec) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "labels": labels or {"app": name}},
        "spec": {"containers": [{"name": "main", "image": image}], **spec},
    }


def deployment(name: str, replicas: int = 2, image: str = "nginx:1.27") -> dict:
    labels = {"app": name}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "labels": labels},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {"containers": [{"name": "main", "image": image}]},
            },
        },
    }
