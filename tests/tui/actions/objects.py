"""Objects the tests need and no controller makes in the engine: nodes, ReplicaSets owned by
a Deployment, pods bound to a node and owned by a controller, disruption budgets."""

from __future__ import annotations

import uuid
from typing import Any

from ktui.client import Client
from ktui.refs import ObjectRef

from ..conftest import deployment, pod


async def ref_to(client: Client, resource: str, obj: dict[str, Any]) -> ObjectRef:
    res = await client.resource(resource)
    return ObjectRef.of(res.resource, obj)


async def create(client: Client, resource: str, obj: dict[str, Any]) -> dict[str, Any]:
    return await (await client.resource(resource)).create(obj)


async def make_deployment(client: Client, name: str = "web", **kw: Any) -> ObjectRef:
    obj = await create(client, "deployments", deployment(name, **kw))
    return await ref_to(client, "deployments", obj)


async def get(client: Client, ref: ObjectRef) -> dict[str, Any]:
    return await client.bind(ref.resource).get(ref.name, ref.namespace)


def owner(obj: dict[str, Any]) -> dict[str, Any]:
    return {
        "apiVersion": obj["apiVersion"],
        "kind": obj["kind"],
        "name": obj["metadata"]["name"],
        "uid": obj["metadata"]["uid"],
        "controller": True,
        "blockOwnerDeletion": True,
    }


async def make_replica_set(
    client: Client, owner_obj: dict[str, Any], revision: int, image: str, name: str | None = None
) -> dict[str, Any]:
    """A ReplicaSet as the Deployment controller leaves it: hash label, revision annotation."""
    labels = {**owner_obj["spec"]["selector"]["matchLabels"], "pod-template-hash": f"h{revision}"}
    template = {
        "metadata": {"labels": labels},
        "spec": {"containers": [{"name": "main", "image": image}]},
    }
    rs = {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {
            "name": name or f"{owner_obj['metadata']['name']}-h{revision}",
            "labels": labels,
            "annotations": {"deployment.kubernetes.io/revision": str(revision)},
            "ownerReferences": [owner(owner_obj)],
        },
        "spec": {"replicas": 0, "selector": {"matchLabels": labels}, "template": template},
    }
    return await create(client, "replicasets", rs)


async def make_node(client: Client) -> str:
    name = f"node-{uuid.uuid4().hex[:6]}"
    await create(client, "nodes", {"apiVersion": "v1", "kind": "Node", "metadata": {"name": name}})
    return name


async def pod_on(
    client: Client,
    name: str,
    node: str,
    *,
    owner_obj: dict[str, Any] | None = None,
    running: bool = False,
    labels: dict[str, str] | None = None,
    **spec: Any,
) -> dict[str, Any]:
    """A pod bound to `node` (grace 0: without a kubelet, a graceful delete never ends)."""
    spec = {"terminationGracePeriodSeconds": 0, **spec}
    body = pod(name, labels=labels, nodeName=node, **spec)
    if owner_obj is not None:
        body["metadata"]["ownerReferences"] = [owner(owner_obj)]
    created = await create(client, "pods", body)
    if running:
        pods = await client.resource("pods")
        created = await pods.patch(name, {"status": {"phase": "Running"}}, subresource="status")
    return created


async def make_controller(client: Client, kind: str, name: str) -> dict[str, Any]:
    """A ReplicaSet or DaemonSet to own pods (nothing reconciles it in the engine)."""
    labels = {"app": name}
    spec: dict[str, Any] = {
        "selector": {"matchLabels": labels},
        "template": {
            "metadata": {"labels": labels},
            "spec": {"containers": [{"name": "main", "image": "busybox"}]},
        },
    }
    resource = "replicasets" if kind == "ReplicaSet" else "daemonsets"
    if kind == "ReplicaSet":
        spec["replicas"] = 0
    obj = {"apiVersion": "apps/v1", "kind": kind, "metadata": {"name": name}, "spec": spec}
    return await create(client, resource, obj)


async def pod_names(client: Client, node: str) -> set[str]:
    pods = await client.resource("pods")
    listed = await pods.list(all_namespaces=True, field_selector=f"spec.nodeName={node}")
    return {p["metadata"]["name"] for p in listed.items}
