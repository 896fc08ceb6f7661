"""Objects the tests need and no controller makes in the engine: nodes, ReplicaSets owned by
a Deployment, ControllerRevisions of a StatefulSet or DaemonSet, pods bound to a node and
owned by a controller, disruption budgets."""

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


def workload_set(kind: str, name: str, image: str) -> dict[str, Any]:
    """A StatefulSet or DaemonSet of one container `main` running `image`."""
    labels = {"app": name}
    spec: dict[str, Any] = {
        "selector": {"matchLabels": labels},
        "template": {
            "metadata": {"labels": labels},
            "spec": {"containers": [{"name": "main", "image": image}]},
        },
    }
    if kind == "StatefulSet":
        spec |= {"serviceName": name, "replicas": 1}
    return {"apiVersion": "apps/v1", "kind": kind, "metadata": {"name": name}, "spec": spec}


async def record_revision(
    client: Client, owner_obj: dict[str, Any], revision: int, name: str | None = None
) -> dict[str, Any]:
    """A ControllerRevision of the owner's current template, as the StatefulSet and DaemonSet
    controllers write it: a strategic merge patch that replaces spec.template, with the
    `creationTimestamp: null` Go leaves in every template it serializes and keys sorted as
    Go marshals a map (kubectl compares these bytes to decide that there is nothing to do)."""
    template = owner_obj["spec"]["template"]
    recorded = {
        **template,
        "metadata": {"creationTimestamp": None, **template.get("metadata", {})},
        "$patch": "replace",
    }
    labels = {
        **owner_obj["spec"]["selector"]["matchLabels"],
        "controller-revision-hash": f"r{revision}",
    }
    history = {
        "apiVersion": "apps/v1",
        "kind": "ControllerRevision",
        "metadata": {
            "name": name or f"{owner_obj['metadata']['name']}-r{revision}",
            "labels": labels,
            "ownerReferences": [owner(owner_obj)],
        },
        "revision": revision,
        "data": sorted_keys({"spec": {"template": recorded}}),
    }
    return await create(client, "controllerrevisions", history)


def sorted_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: sorted_keys(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [sorted_keys(v) for v in value]
    return value


async def set_image_of(client: Client, ref: ObjectRef, image: str) -> dict[str, Any]:
    patch = {"spec": {"template": {"spec": {"containers": [{"name": "main", "image": image}]}}}}
    return await client.bind(ref.resource).patch(ref.name, patch, ref.namespace, type="strategic")


async def rolled_out_set(
    client: Client, kind: str, name: str, images: tuple[str, ...] = ("busybox:1", "busybox:2")
) -> tuple[dict[str, Any], ObjectRef]:
    """A StatefulSet or DaemonSet rolled out once per image, a ControllerRevision for each
    (revision 1 runs images[0]); it runs the last image now."""
    resource = "statefulsets" if kind == "StatefulSet" else "daemonsets"
    obj = await create(client, resource, workload_set(kind, name, images[0]))
    ref = await ref_to(client, resource, obj)
    await record_revision(client, obj, 1)
    for number, image in enumerate(images[1:], start=2):
        obj = await set_image_of(client, ref, image)
        await record_revision(client, obj, number)
    return obj, ref


def image_of(obj: dict[str, Any]) -> str:
    return obj["spec"]["template"]["spec"]["containers"][0]["image"]
