"""Nodes, namespaces, services, endpoints and the small core kinds."""

from __future__ import annotations

from typing import Any

from engine.api.printers import cells, columns

from .fixtures import NOW, ago

DAY = 86400


def core(kind: str, obj: dict[str, Any]) -> list[Any]:
    return cells("", "v1", kind, obj, NOW)


def node(**extra: Any) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "metadata": {
            "name": "node-a",
            "creationTimestamp": ago(3 * DAY + 5 * 3600),
            "labels": {
                "node-role.kubernetes.io/control-plane": "",
                "node-role.kubernetes.io/worker": "",
                "kubernetes.io/role": "edge",
                "kubernetes.io/hostname": "node-a",
            },
        },
        "spec": {},
        "status": {
            "conditions": [
                {"type": "MemoryPressure", "status": "False"},
                {"type": "Ready", "status": "True"},
            ],
            "addresses": [
                {"type": "Hostname", "address": "node-a"},
                {"type": "InternalIP", "address": "192.168.1.10"},
            ],
            "nodeInfo": {
                "kubeletVersion": "v1.32.4",
                "osImage": "Debian GNU/Linux 12 (bookworm)",
                "kernelVersion": "6.1.0-18-amd64",
                "containerRuntimeVersion": "containerd://1.7.13",
            },
        },
    }
    obj["spec"].update(extra)
    return obj


def test_node_columns() -> None:
    assert [c["name"] for c in columns("", "v1", "Node")] == [
        "Name",
        "Status",
        "Roles",
        "Age",
        "Version",
        "Internal-IP",
        "External-IP",
        "OS-Image",
        "Kernel-Version",
        "Container-Runtime",
    ]


def test_cordoned_node_with_roles() -> None:
    assert core("Node", node(unschedulable=True)) == [
        "node-a",
        "Ready,SchedulingDisabled",
        "control-plane,edge,worker",
        "3d5h",
        "v1.32.4",
        "192.168.1.10",
        "<none>",
        "Debian GNU/Linux 12 (bookworm)",
        "6.1.0-18-amd64",
        "containerd://1.7.13",
    ]


def test_node_status_without_or_with_a_false_ready_condition() -> None:
    obj = node()
    obj["status"]["conditions"] = []
    obj["metadata"]["labels"] = {}
    obj["status"]["nodeInfo"] = {}
    c = core("Node", obj)
    assert c[1:3] == ["Unknown", "<none>"]
    assert c[7:] == ["<unknown>", "<unknown>", "<unknown>"]
    obj["status"]["conditions"] = [{"type": "Ready", "status": "Unknown"}]
    assert core("Node", obj)[1] == "NotReady"


def test_namespace_configmap_secret_serviceaccount() -> None:
    ns = {
        "metadata": {"name": "kube-system", "creationTimestamp": ago(45)},
        "status": {"phase": "Active"},
    }
    assert core("Namespace", ns) == ["kube-system", "Active", "45s"]
    cm = {
        "metadata": {"name": "cfg", "creationTimestamp": ago(125)},
        "data": {"a": "1", "b": "2"},
        "binaryData": {"c": "AA=="},
    }
    assert core("ConfigMap", cm) == ["cfg", 3, "2m5s"]
    secret = {
        "metadata": {"name": "tls", "creationTimestamp": ago(10 * 3600)},
        "type": "kubernetes.io/tls",
        "data": {"tls.crt": "", "tls.key": ""},
    }
    assert core("Secret", secret) == ["tls", "kubernetes.io/tls", 2, "10h"]
    sa = {"metadata": {"name": "default", "creationTimestamp": ago(9 * DAY)}}
    assert core("ServiceAccount", sa) == ["default", 0, "9d"]


def service(kind: str, **spec: Any) -> dict[str, Any]:
    return {
        "metadata": {"name": "web", "creationTimestamp": ago(600)},
        "spec": {
            "type": kind,
            "clusterIP": "10.96.12.7",
            "clusterIPs": ["10.96.12.7"],
            "selector": {"app": "web", "tier": "fe"},
            **spec,
        },
    }


def test_services() -> None:
    ports = [
        {"port": 80, "protocol": "TCP", "targetPort": 8080},
        {"port": 443, "protocol": "TCP", "nodePort": 30443},
    ]
    assert core("Service", service("NodePort", ports=ports)) == [
        "web",
        "NodePort",
        "10.96.12.7",
        "<none>",
        "80/TCP,443:30443/TCP",
        "10m",
        "app=web,tier=fe",
    ]
    lb = service("LoadBalancer", ports=[{"port": 53, "protocol": "UDP"}])
    assert core("Service", lb)[3:5] == ["<pending>", "53/UDP"]
    lb["status"] = {
        "loadBalancer": {
            "ingress": [{"ip": "203.0.113.9"}, {"hostname": "a-very-long-name.example.com"}]
        }
    }
    assert core("Service", lb)[3] == "203.0.113.9,a-very-long-name.example.com"  # not clipped
    headless = service("ClusterIP", clusterIP="None", clusterIPs=["None"], selector={})
    assert core("Service", headless)[2:5] == ["None", "<none>", "<none>"]
    assert core("Service", headless)[6] == "<none>"
    external = service("ExternalName", externalName="db.example.com")
    del external["spec"]["clusterIPs"], external["spec"]["clusterIP"]
    assert core("Service", external)[2:4] == ["<none>", "db.example.com"]


def test_endpoints() -> None:
    eps = {
        "metadata": {"name": "web", "creationTimestamp": ago(60)},
        "subsets": [
            {
                "addresses": [{"ip": "10.0.0.1"}, {"ip": "10.0.0.2"}],
                "ports": [{"port": 8080}, {"port": 9090}],
            }
        ],
    }
    assert core("Endpoints", eps) == [
        "web",
        "10.0.0.1:8080,10.0.0.2:8080,10.0.0.1:9090 + 1 more...",
        "60s",
    ]
    assert core("Endpoints", {"metadata": {"name": "x"}})[1] == "<none>"
    v6 = {
        "metadata": {"name": "x"},
        "subsets": [{"addresses": [{"ip": "fd00::1"}], "ports": [{"port": 80}]}],
    }
    assert core("Endpoints", v6)[1] == "[fd00::1]:80"


def test_endpoint_slices() -> None:
    es = {
        "metadata": {"name": "web-abc", "creationTimestamp": ago(60)},
        "addressType": "IPv4",
        "ports": [{"name": "http", "port": 80}, {"name": "named"}, {}],
        "endpoints": [{"addresses": [f"10.0.0.{i}"]} for i in range(1, 6)],
    }
    assert cells("discovery.k8s.io", "v1", "EndpointSlice", es, NOW) == [
        "web-abc",
        "IPv4",
        "80,named,*",
        "10.0.0.1,10.0.0.2,10.0.0.3 + 2 more...",
        "60s",
    ]
    empty = {"metadata": {"name": "e"}, "addressType": "IPv4"}
    assert cells("discovery.k8s.io", "v1", "EndpointSlice", empty, NOW)[2:4] == [
        "<unset>",
        "<unset>",
    ]


def test_replication_controller_and_resource_quota() -> None:
    rc = {
        "metadata": {"name": "rc", "creationTimestamp": ago(60)},
        "spec": {
            "replicas": 3,
            "selector": {"app": "web"},
            "template": {
                "spec": {
                    "containers": [{"name": "a", "image": "i:1"}, {"name": "b", "image": "i:2"}]
                }
            },
        },
        "status": {"replicas": 3, "readyReplicas": 2},
    }
    assert core("ReplicationController", rc) == ["rc", 3, 3, 2, "60s", "a,b", "i:1,i:2", "app=web"]
    quota = {
        "metadata": {"name": "q", "creationTimestamp": ago(60)},
        "status": {
            "hard": {"pods": "10", "limits.cpu": "2", "requests.memory": "1Gi"},
            "used": {"pods": "3", "limits.cpu": "500m"},
        },
    }
    assert core("ResourceQuota", quota) == [
        "q",
        "pods: 3/10, requests.memory: 0/1Gi",
        "limits.cpu: 500m/2",
        "60s",
    ]


def test_persistent_volumes_and_claims() -> None:
    pv = {
        "metadata": {"name": "pv-1", "creationTimestamp": ago(60)},
        "spec": {
            "capacity": {"storage": "10Gi"},
            "accessModes": ["ReadWriteMany", "ReadWriteOnce"],
            "persistentVolumeReclaimPolicy": "Retain",
            "storageClassName": "standard",
            "claimRef": {"namespace": "default", "name": "data"},
            "volumeMode": "Filesystem",
        },
        "status": {"phase": "Bound"},
    }
    assert core("PersistentVolume", pv) == [
        "pv-1",
        "10Gi",
        "RWO,RWX",
        "Retain",
        "Bound",
        "default/data",
        "standard",
        "<unset>",
        "",
        "60s",
        "Filesystem",
    ]
    pvc = {
        "metadata": {"name": "data", "creationTimestamp": ago(60)},
        "spec": {"storageClassName": "standard", "resources": {"requests": {"storage": "5Gi"}}},
        "status": {"phase": "Pending"},
    }
    assert core("PersistentVolumeClaim", pvc) == [
        "data",
        "Pending",
        "",
        "",
        "",
        "standard",
        "<unset>",
        "60s",
        "<unset>",
    ]
    pvc["spec"]["volumeName"] = "pv-1"
    pvc["status"] = {
        "phase": "Bound",
        "capacity": {"storage": "10Gi"},
        "accessModes": ["ReadWriteOnce"],
    }
    pvc["metadata"]["deletionTimestamp"] = ago(0)
    assert core("PersistentVolumeClaim", pvc)[1:5] == ["Terminating", "pv-1", "10Gi", "RWO"]
