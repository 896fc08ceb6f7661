"""`describe()` against the real `kubectl describe`, line by line (ages excepted)."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from pathlib import Path
from typing import Any

import pytest

from ktui.client import AlreadyExists, Client, NotFound
from ktui.describe import describe
from ktui.refs import ObjectRef

from .kubectl_cli import ago, assert_same_lines, kubectl, needs_kubectl
from .objects import SELECTOR, add_events, event, involved, res, rich_pod, running_status, template

pytestmark = needs_kubectl


async def both(
    client: Client, kubeconfig: Path, kind: str, name: str, ns: str | None
) -> tuple[str, str]:
    resource = await client.discovery.find(kind)
    ours = await describe(client, ObjectRef(resource, name, ns if resource.namespaced else None))
    theirs = await kubectl(kubeconfig, "describe", kind, name, *(["-n", ns] if ns else []))
    return ours, theirs


async def test_pod_with_status_and_events(client: Client, namespace: str, kubeconfig: Path) -> None:
    pods = await res(client, "v1", "Pod")
    pod = await pods.create(rich_pod("rich"))
    pod = await pods.patch(
        "rich", {"status": running_status(ago(minutes=15))}, subresource="status"
    )
    await add_events(client, pod)

    ours, theirs = await both(client, kubeconfig, "pod", "rich", namespace)

    assert_same_lines(ours, theirs)
    assert "Warning  BackOff" in ours and "(x7 over 40m)" in ours
    assert "Restart Count:  2" in ours


async def test_a_deleted_pod_still_shows_its_events(client: Client, namespace: str) -> None:
    # kubectl's PodDescriber does this; its CLI never gets there (it answers NotFound, or
    # describes pods whose names start with the name), so there is no kubectl to compare.
    gone = {"kind": "Pod", "name": "gone", "namespace": namespace, "uid": "0000-1111"}
    events = await res(client, "v1", "Event")
    await events.create(event("gone.a", gone, "Killing", firstTimestamp=ago(hours=1), count=1))
    resource = await client.discovery.find("pods")

    ours = await describe(client, ObjectRef(resource, "gone", namespace))

    lines = ours.split("\n")
    assert lines[0] == "Pod 'gone': error 'pods \"gone\" not found', but found events."
    assert lines[1:4] == [
        "Events:",
        "  Type    Reason   Age   From     Message",
        "  ----    ------   ----  ----     -------",
    ]
    assert lines[4] == "  Normal  Killing  60m   kubelet  Killing happened"


async def test_a_missing_object_raises_not_found(client: Client, namespace: str) -> None:
    resource = await client.discovery.find("deployments")
    with pytest.raises(NotFound):
        await describe(client, ObjectRef(resource, "nothing-here", namespace))


async def test_node_with_pods_lease_and_events(client: Client, kubeconfig: Path) -> None:
    name = f"worker-{uuid.uuid4().hex[:6]}"
    nodes = await res(client, "v1", "Node")
    node = await nodes.create(
        {
            "metadata": {
                "name": name,
                "labels": {"node-role.kubernetes.io/worker": "", "kubernetes.io/role": "infra"},
                "annotations": {"node.alpha.kubernetes.io/ttl": "0"},
            },
            "spec": {
                "podCIDR": "10.244.1.0/24",
                "podCIDRs": ["10.244.1.0/24"],
                "providerID": f"kind://docker/kind/{name}",
                "taints": [
                    {"key": "dedicated", "value": "gpu", "effect": "NoSchedule"},
                    {"key": "node.kubernetes.io/unreachable", "effect": "NoExecute"},
                ],
            },
        }
    )
    status = {
        "capacity": {"cpu": "4", "memory": "16318312Ki", "pods": "110", "ephemeral-storage": "102400Mi",
                     "hugepages-2Mi": "0", "nvidia.com/gpu": "2"},
        "allocatable": {"cpu": "3800m", "memory": "15Gi", "pods": "110", "ephemeral-storage": "100Gi",
                        "hugepages-2Mi": "0", "nvidia.com/gpu": "2"},
        "conditions": [
            {"type": "MemoryPressure", "status": "False", "lastHeartbeatTime": ago(seconds=30),
             "lastTransitionTime": ago(hours=5), "reason": "KubeletHasSufficientMemory",
             "message": "kubelet has sufficient memory available"},
            {"type": "Ready", "status": "True", "lastHeartbeatTime": ago(seconds=30),
             "lastTransitionTime": ago(hours=5), "reason": "KubeletReady", "message": "kubelet is posting ready status"},
        ],
        "addresses": [{"type": "InternalIP", "address": "172.18.0.3"}, {"type": "Hostname", "address": name}],
        "nodeInfo": {"machineID": "m", "systemUUID": "s", "bootID": "b", "kernelVersion": "6.1.0",
                     "osImage": "Debian", "containerRuntimeVersion": "containerd://1.7",
                     "kubeletVersion": "v1.32.0", "kubeProxyVersion": "v1.32.0",
                     "operatingSystem": "linux", "architecture": "amd64"},
    }  # fmt: skip
    node = await nodes.patch(name, {"status": status}, subresource="status")
    pods = await res(client, "v1", "Pod")
    await pods.create(
        {
            "metadata": {"name": "busy"},
            "spec": {
                "nodeName": name,
                "initContainers": [
                    {"name": "init", "image": "busybox", "resources": {"requests": {"cpu": "2"}}}
                ],
                "containers": [
                    {"name": "a", "image": "nginx", "resources": {
                        "requests": {"cpu": "500m", "memory": "1Gi", "nvidia.com/gpu": "1"},
                        "limits": {"cpu": "1", "memory": "2Gi", "nvidia.com/gpu": "1"}}},
                    {"name": "b", "image": "nginx", "resources": {"requests": {"cpu": "100m"}}},
                ],
            },
        }
    )  # fmt: skip
    await pods.create(
        {
            "metadata": {"name": "idle"},
            "spec": {"nodeName": name, "containers": [{"name": "a", "image": "nginx"}]},
        }
    )
    await _node_lease(client, name)
    events = await res(client, "v1", "Event")
    by_uid = involved(node)
    by_name = {**by_uid, "uid": name}  # kubelets name the node, not its uid
    await events.create(
        event(f"{name}.a", by_uid, "RegisteredNode", firstTimestamp=ago(hours=3), count=1)
    )
    await events.create(
        event(f"{name}.b", by_name, "Starting", firstTimestamp=ago(hours=2), count=1)
    )

    ours, theirs = await both(client, kubeconfig, "node", name, None)

    assert_same_lines(ours, theirs)
    assert "Roles:              infra,worker" in ours
    assert "  cpu                2 (52%)   1 (26%)" in ours  # the init container dominates
    assert "RegisteredNode" in ours and "Starting" in ours


async def _node_lease(client: Client, name: str) -> None:
    namespaces = await res(client, "v1", "Namespace")
    with contextlib.suppress(AlreadyExists):
        await namespaces.create({"metadata": {"name": "kube-node-lease"}})
    leases = await res(client, "coordination.k8s.io/v1", "Lease")
    await leases.create(
        {
            "metadata": {"name": name, "namespace": "kube-node-lease"},
            "spec": {"holderIdentity": name, "renewTime": ago(seconds=5).replace("Z", ".000000Z")},
        }
    )


async def test_deployment_lists_its_replicasets(
    client: Client, namespace: str, kubeconfig: Path
) -> None:
    deployments = await res(client, "apps/v1", "Deployment")
    deploy = await deployments.create(
        {
            "metadata": {"name": "web", "labels": {"app": "web"}, "annotations": {"deployment.kubernetes.io/revision": "3"}},
            "spec": {"replicas": 3, "selector": SELECTOR, "template": template("nginx:1.27")},
        }
    )  # fmt: skip
    await deployments.patch(
        "web",
        {"status": {"replicas": 4, "updatedReplicas": 3, "availableReplicas": 2, "unavailableReplicas": 2,
                    "conditions": [{"type": "Available", "status": "False", "reason": "MinimumReplicasUnavailable"},
                                   {"type": "Progressing", "status": "True", "reason": "ReplicaSetUpdated"}]}},
        subresource="status",
    )  # fmt: skip
    owner = {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web",
             "uid": deploy["metadata"]["uid"], "controller": True, "blockOwnerDeletion": True}  # fmt: skip
    replicasets = await res(client, "apps/v1", "ReplicaSet")
    for name, image, replicas in (
        ("web-1", "nginx:1.25", 0),
        ("web-2", "nginx:1.26", 1),
        ("web-3", "nginx:1.27", 3),
    ):
        selector = {**SELECTOR, "matchLabels": {"app": "web", "pod-template-hash": name}}
        await replicasets.create(
            {
                "metadata": {"name": name, "labels": template(image, name)["metadata"]["labels"], "ownerReferences": [owner]},
                "spec": {"replicas": replicas, "selector": selector, "template": template(image, name)},
            }
        )  # fmt: skip
    await replicasets.patch("web-3", {"status": {"replicas": 3}}, subresource="status")
    await add_events(client, deploy)

    ours, theirs = await both(client, kubeconfig, "deployment", "web", namespace)

    assert_same_lines(ours, theirs)
    lines = [" ".join(line.split()) for line in ours.splitlines()]
    assert "OldReplicaSets: web-1 (0/0 replicas created), web-2 (0/1 replicas created)" in lines
    assert "NewReplicaSet: web-3 (3/3 replicas created)" in lines
    rs_ours, rs_theirs = await both(client, kubeconfig, "replicaset", "web-3", namespace)
    assert_same_lines(rs_ours, rs_theirs)
    assert "Controlled By:  Deployment/web" in rs_ours


async def test_service_shows_its_endpoints(
    client: Client, namespace: str, kubeconfig: Path
) -> None:
    services = await res(client, "v1", "Service")
    service = await services.create(
        {
            "metadata": {"name": "web", "labels": {"app": "web"}, "annotations": {"note": "hello"}},
            "spec": {
                "type": "NodePort",
                "selector": {"app": "web"},
                "ports": [
                    {"name": "http", "port": 80, "targetPort": 8080},
                    {"name": "metrics", "port": 9090, "targetPort": "metrics"},
                ],
            },
        }
    )
    slices = await res(client, "discovery.k8s.io/v1", "EndpointSlice")
    points = [{"addresses": [f"10.0.0.{i}"], "conditions": {"ready": i != 3}} for i in range(1, 7)]
    await slices.create(
        {
            "metadata": {"name": "web-abc", "labels": {"kubernetes.io/service-name": "web"}},
            "addressType": "IPv4",
            "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}, {"name": "metrics", "port": 9100, "protocol": "TCP"}],
            "endpoints": points,
        }
    )  # fmt: skip
    await add_events(client, service)

    ours, theirs = await both(client, kubeconfig, "service", "web", namespace)

    assert_same_lines(ours, theirs)
    assert "10.0.0.1:8080,10.0.0.2:8080,10.0.0.4:8080 + 2 more..." in ours


async def test_configmap_secret_namespace_and_endpoints(
    client: Client, namespace: str, kubeconfig: Path
) -> None:
    configmaps = await res(client, "v1", "ConfigMap")
    config = await configmaps.create(
        {
            "metadata": {"name": "app", "labels": {"a": "b"}},
            "data": {"app.conf": "key=value\nother=1\n"},
            "binaryData": {"blob": "aGVsbG8gd29ybGQ="},
        }
    )
    await add_events(client, config)
    await (await res(client, "v1", "Secret")).create(
        {"metadata": {"name": "creds"}, "type": "Opaque", "stringData": {"password": "hunter2"}}
    )
    await (await res(client, "v1", "Endpoints")).create(
        {
            "metadata": {"name": "manual"},
            "subsets": [
                {"addresses": [{"ip": "10.0.0.5"}], "ports": [{"name": "http", "port": 8080}]}
            ],
        }
    )
    for kind, name, ns in (("configmap", "app", namespace), ("secret", "creds", namespace),
                           ("endpoints", "manual", namespace), ("namespace", namespace, None)):  # fmt: skip
        ours, theirs = await both(client, kubeconfig, kind, name, ns)
        assert_same_lines(ours, theirs)


WORKLOADS: dict[str, dict[str, Any]] = {
    "statefulset": {
        "apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "db"},
        "spec": {"serviceName": "db", "replicas": 2, "selector": {"matchLabels": {"app": "db"}},
                 "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 1}},
                 "template": {"metadata": {"labels": {"app": "db"}},
                              "spec": {"containers": [{"name": "pg", "image": "postgres:16",
                                                       "volumeMounts": [{"name": "data", "mountPath": "/var/lib/pg"}]}]}},
                 "volumeClaimTemplates": [{"metadata": {"name": "data", "labels": {"x": "z"}},
                                           "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "fast",
                                                    "resources": {"requests": {"storage": "10Gi"}}}}]},
    },
    "daemonset": {
        "apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "agent"},
        "spec": {"selector": {"matchLabels": {"app": "agent"}},
                 "template": {"metadata": {"labels": {"app": "agent"}},
                              "spec": {"nodeSelector": {"kubernetes.io/os": "linux"},
                                       "containers": [{"name": "a", "image": "busybox"}]}}},
    },
    "job": {
        "apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "once"},
        "spec": {"backoffLimit": 3, "activeDeadlineSeconds": 100,
                 "template": {"spec": {"restartPolicy": "Never",
                                       "containers": [{"name": "j", "image": "busybox", "command": ["true"]}]}}},
    },
    "cronjob": {
        "apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "nightly"},
        "spec": {"schedule": "0 3 * * *",
                 "jobTemplate": {"spec": {"template": {"spec": {"restartPolicy": "OnFailure",
                                                                "containers": [{"name": "j", "image": "busybox"}]}}}}},
    },
}  # fmt: skip


@pytest.mark.parametrize("kind", sorted(WORKLOADS))
async def test_workloads(client: Client, namespace: str, kubeconfig: Path, kind: str) -> None:
    manifest = WORKLOADS[kind]
    created = await (await res(client, manifest["apiVersion"], manifest["kind"])).create(manifest)
    await add_events(client, created)

    ours, theirs = await both(client, kubeconfig, kind, manifest["metadata"]["name"], namespace)

    assert_same_lines(ours, theirs)
    assert "BackOff" in ours


async def test_custom_resource_through_the_generic_describer(
    client: Client, namespace: str, kubeconfig: Path
) -> None:
    group = f"t{uuid.uuid4().hex[:8]}.example.com"
    crds = await res(client, "apiextensions.k8s.io/v1", "CustomResourceDefinition")
    await crds.create(
        {
            "metadata": {"name": f"gadgets.{group}"},
            "spec": {
                "group": group,
                "scope": "Namespaced",
                "names": {"plural": "gadgets", "singular": "gadget", "kind": "Gadget"},
                "versions": [{"name": "v1", "served": True, "storage": True,
                              "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}}}],
            },
        }
    )  # fmt: skip
    gadgets = await _served(client, f"{group}/v1", "Gadget")
    gadget = await gadgets.create(
        {
            "apiVersion": f"{group}/v1",
            "kind": "Gadget",
            "metadata": {"name": "g1", "labels": {"team": "a"}, "annotations": {"note": "x"}},
            "spec": {"size": 3, "ratio": 1.5, "big": 1000000.0, "enabled": True, "nothing": None,
                     "hostURL": "http://x", "tags": ["a", "b"], "with-dash": 1, "v2Field": "z",
                     "nested": {"deepList": [{"name": "one", "value": 1}, {"name": "two"}], "matrix": [[1, 2], [3]]}},
        }
    )  # fmt: skip
    await add_events(client, gadget)
    await _kubectl_knows(kubeconfig, f"gadgets.{group}", namespace)

    ours, theirs = await both(client, kubeconfig, f"gadgets.{group}", "g1", namespace)

    assert_same_lines(ours, theirs)
    assert "  Host URL:" in ours and "  Nested:" in ours and "      Name:   one" in ours
    assert ours.splitlines()[4] == f"API Version:  {group}/v1"


async def _served(client: Client, api_version: str, kind: str):
    for _ in range(50):
        try:
            return await res(client, api_version, kind)
        except Exception:  # noqa: BLE001 - discovery catches up with a new CRD
            await asyncio.sleep(0.1)
    raise AssertionError(f"{kind} never served")


async def _kubectl_knows(kubeconfig: Path, resource: str, namespace: str) -> None:
    for _ in range(30):
        try:
            await kubectl(kubeconfig, "get", resource, "-n", namespace)
            return
        except AssertionError:
            await asyncio.sleep(0.2)


async def test_rbac_quotas_budgets_accounts_and_slices(
    client: Client, namespace: str, kubeconfig: Path
) -> None:
    role = f"viewer-{uuid.uuid4().hex[:6]}"
    objects: list[tuple[str, str, dict[str, Any]]] = [
        ("v1", "ResourceQuota", {"metadata": {"name": "q"}, "spec": {
            "hard": {"pods": "10", "requests.cpu": "4", "requests.memory": "8Gi"}, "scopes": ["NotTerminating"]}}),
        ("v1", "LimitRange", {"metadata": {"name": "lr"}, "spec": {"limits": [{
            "type": "Container", "max": {"cpu": "2"}, "min": {"cpu": "100m"}, "default": {"cpu": "500m"}}]}}),
        ("policy/v1", "PodDisruptionBudget", {"metadata": {"name": "pdb"}, "spec": {
            "minAvailable": 1, "selector": {"matchLabels": {"app": "web"}}}}),
        ("rbac.authorization.k8s.io/v1", "ClusterRole", {"metadata": {"name": role}, "rules": [
            {"apiGroups": ["", "apps"], "resources": ["pods", "deployments", "pods/log"], "verbs": ["get", "list"]},
            {"apiGroups": [""], "resources": ["configmaps"], "resourceNames": ["a", "b"], "verbs": ["get"]},
            {"nonResourceURLs": ["/healthz"], "verbs": ["get"]}]}),
        ("rbac.authorization.k8s.io/v1", "RoleBinding", {"metadata": {"name": "rb"}, "roleRef": {
            "apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role}, "subjects": [
            {"kind": "ServiceAccount", "name": "builder", "namespace": namespace},
            {"kind": "User", "name": "alice", "apiGroup": "rbac.authorization.k8s.io"}]}),
        ("v1", "ServiceAccount", {"metadata": {"name": "builder"}, "secrets": [{"name": "gone"}],
                                  "imagePullSecrets": [{"name": "regcred"}]}),
        ("discovery.k8s.io/v1", "EndpointSlice", {"metadata": {"name": "eps"}, "addressType": "IPv4",
            "ports": [{"name": "http", "port": 80, "protocol": "TCP"}],
            "endpoints": [{"addresses": ["10.0.0.1"], "conditions": {"ready": True}, "nodeName": "n1",
                           "targetRef": {"kind": "Pod", "name": "web-1"}}, {"addresses": ["10.0.0.2"]}]}),
    ]  # fmt: skip
    for api_version, kind, manifest in objects:
        await (await res(client, api_version, kind)).create(manifest)
    await (await res(client, "v1", "ResourceQuota")).patch(
        "q",
        {"status": {"hard": {"pods": "10", "requests.cpu": "4", "requests.memory": "8Gi"},
                    "used": {"pods": "3", "requests.cpu": "1500m", "requests.memory": "1073741824"}}},
        subresource="status",
    )  # fmt: skip
    for kind, name, ns in (("resourcequota", "q", namespace), ("limitrange", "lr", namespace),
                           ("poddisruptionbudget", "pdb", namespace), ("clusterrole", role, None),
                           ("rolebinding", "rb", namespace), ("serviceaccount", "builder", namespace),
                           ("endpointslice", "eps", namespace)):  # fmt: skip
        ours, theirs = await both(client, kubeconfig, kind, name, ns)
        assert_same_lines(ours, theirs)
        assert not ours.startswith("Name:") or "API Version:" not in ours  # not the generic one


async def test_claims_show_the_pods_using_them(
    client: Client, namespace: str, kubeconfig: Path
) -> None:
    claims = await res(client, "v1", "PersistentVolumeClaim")
    claim = await claims.create(
        {
            "metadata": {"name": "data", "labels": {"app": "db"}},
            "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}},
                     "volumeName": "pv-1", "dataSource": {"kind": "PersistentVolumeClaim", "name": "old"}},
        }
    )  # fmt: skip
    await claims.patch(
        "data",
        {"status": {"phase": "Bound", "accessModes": ["ReadWriteOnce", "ReadOnlyMany"],
                    "capacity": {"storage": "1024Mi"}, "conditions": [{"type": "Resizing", "status": "True"}]}},
        subresource="status",
    )  # fmt: skip
    pods = await res(client, "v1", "Pod")
    for name in ("db-1", "db-0"):
        await pods.create(
            {"metadata": {"name": name}, "spec": {
                "containers": [{"name": "c", "image": "pg"}],
                "volumes": [{"name": "d", "persistentVolumeClaim": {"claimName": "data"}}]}}
        )  # fmt: skip
    await add_events(client, claim)

    ours, theirs = await both(client, kubeconfig, "pvc", "data", namespace)

    assert_same_lines(ours, theirs)
    lines = [" ".join(line.split()) for line in ours.splitlines()]
    used = lines.index("Used By: db-0")
    assert lines[used + 1] == "db-1"
    assert "Access Modes: RWO,ROX" in lines and "Capacity: 1Gi" in lines
