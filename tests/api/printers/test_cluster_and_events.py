"""Events (both APIs), RBAC bindings, Leases, PDBs, and kinds upstream prints by default."""

from __future__ import annotations

from typing import Any

from engine.api.printers import cells, columns

from .fixtures import NOW, ago


def test_event_columns_are_the_1_32_ones() -> None:
    cols = columns("", "v1", "Event")
    assert [(c["name"], c["priority"]) for c in cols] == [
        ("Last Seen", 0),
        ("Type", 0),
        ("Reason", 0),
        ("Object", 0),
        ("Subobject", 1),
        ("Source", 1),
        ("Message", 0),
        ("First Seen", 1),
        ("Count", 1),
        ("Name", 1),
    ]
    assert columns("events.k8s.io", "v1", "Event") == cols


def test_core_event() -> None:
    event = {
        "metadata": {"name": "web-1.17a", "namespace": "default"},
        "involvedObject": {"kind": "Pod", "name": "web-1", "fieldPath": "spec.containers{web}"},
        "reason": "BackOff",
        "type": "Warning",
        "message": " Back-off restarting failed container \n",
        "source": {"component": "kubelet", "host": "node-a"},
        "firstTimestamp": ago(3600),
        "lastTimestamp": ago(75),
        "count": 14,
    }
    assert cells("", "v1", "Event", event, NOW) == [
        "75s",
        "Warning",
        "BackOff",
        "pod/web-1",
        "spec.containers{web}",
        "kubelet, node-a",
        "Back-off restarting failed container",
        "60m",
        14,
        "web-1.17a",
    ]


def test_new_style_core_event_uses_event_time_series_and_reporting_fields() -> None:
    event = {
        "metadata": {"name": "n.1"},
        "involvedObject": {"kind": "Node"},
        "reason": "NodeReady",
        "type": "Normal",
        "message": "ready",
        "eventTime": "2023-11-14T22:03:20.000000Z",
        "reportingComponent": "node-controller",
    }
    c = cells("", "v1", "Event", event, NOW)
    assert c[0] == "10m" and c[7] == "10m"
    assert c[3] == "node"  # no name: just the kind
    assert c[5] == "node-controller"
    assert c[8] == 1  # singleton events have no count
    event["series"] = {"count": 4, "lastObservedTime": "2023-11-14T22:12:20.000000Z"}
    c = cells("", "v1", "Event", event, NOW)
    assert (c[0], c[8]) == ("60s", 4)


def test_events_k8s_io_event_is_printed_like_the_core_one() -> None:
    event = {
        "apiVersion": "events.k8s.io/v1",
        "kind": "Event",
        "metadata": {"name": "web-1.17b", "namespace": "default"},
        "regarding": {"kind": "Pod", "name": "web-1", "namespace": "default"},
        "reason": "Scheduled",
        "type": "Normal",
        "note": "Successfully assigned default/web-1",
        "eventTime": ago(30).replace("Z", ".000000Z"),
        "reportingController": "default-scheduler",
        "reportingInstance": "default-scheduler-cp",
        "action": "Binding",
    }
    assert cells("events.k8s.io", "v1", "Event", event, NOW) == [
        "30s",
        "Normal",
        "Scheduled",
        "pod/web-1",
        "",
        "default-scheduler, default-scheduler-cp",
        "Successfully assigned default/web-1",
        "30s",
        1,
        "web-1.17b",
    ]


def rbac(kind: str, obj: dict[str, Any]) -> list[Any]:
    return cells("rbac.authorization.k8s.io", "v1", kind, obj, NOW)


def test_role_bindings() -> None:
    binding = {
        "metadata": {"name": "devs", "creationTimestamp": ago(60)},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "edit"},
        "subjects": [
            {"kind": "User", "name": "alice"},
            {"kind": "User", "name": "bob"},
            {"kind": "Group", "name": "devs"},
            {"kind": "ServiceAccount", "name": "ci", "namespace": "tools"},
        ],
    }
    assert rbac("RoleBinding", binding) == [
        "devs",
        "ClusterRole/edit",
        "60s",
        "alice, bob",
        "devs",
        "tools/ci",
    ]
    assert rbac("ClusterRoleBinding", dict(binding, subjects=[]))[3:] == ["", "", ""]
    assert [
        c["name"] for c in columns("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding")
    ] == [
        "Name",
        "Role",
        "Age",
        "Users",
        "Groups",
        "ServiceAccounts",
    ]


def test_roles_limitranges_and_crds_get_the_default_table() -> None:
    role = {
        "metadata": {"name": "pod-reader", "creationTimestamp": "2024-03-01T10:00:00Z"},
        "rules": [],
    }
    for group, kind in [
        ("rbac.authorization.k8s.io", "Role"),
        ("rbac.authorization.k8s.io", "ClusterRole"),
        ("", "LimitRange"),
        ("apiextensions.k8s.io", "CustomResourceDefinition"),
    ]:
        assert [c["name"] for c in columns(group, "v1", kind)] == ["Name", "Created At"]
        assert columns(group, "v1", kind)[1]["type"] == "date"
        assert cells(group, "v1", kind, role, NOW) == ["pod-reader", "2024-03-01T10:00:00Z"]


def test_lease_and_pdb() -> None:
    lease = {
        "metadata": {"name": "node-a", "creationTimestamp": ago(60)},
        "spec": {"holderIdentity": "node-a", "leaseDurationSeconds": 40},
    }
    assert cells("coordination.k8s.io", "v1", "Lease", lease, NOW) == ["node-a", "node-a", "60s"]
    pdb = {
        "metadata": {"name": "web", "creationTimestamp": ago(60)},
        "spec": {"minAvailable": "50%"},
        "status": {"disruptionsAllowed": 1},
    }
    assert cells("policy", "v1", "PodDisruptionBudget", pdb, NOW) == ["web", "50%", "N/A", 1, "60s"]
    pdb["spec"] = {"maxUnavailable": 1}
    assert cells("policy", "v1", "PodDisruptionBudget", pdb, NOW)[1:3] == ["N/A", "1"]


def test_storage_class_and_ingress() -> None:
    sc = {
        "metadata": {
            "name": "standard",
            "creationTimestamp": ago(60),
            "annotations": {"storageclass.kubernetes.io/is-default-class": "true"},
        },
        "provisioner": "rancher.io/local-path",
        "volumeBindingMode": "WaitForFirstConsumer",
    }
    assert cells("storage.k8s.io", "v1", "StorageClass", sc, NOW) == [
        "standard (default)",
        "rancher.io/local-path",
        "Delete",
        "WaitForFirstConsumer",
        False,
        "60s",
    ]
    ing = {
        "metadata": {"name": "web", "creationTimestamp": ago(60)},
        "spec": {
            "ingressClassName": "nginx",
            "tls": [{"hosts": ["a.example.com"]}],
            "rules": [
                {"host": "a.example.com"},
                {"host": "b.example.com"},
                {},
                {"host": "c.example.com"},
                {"host": "d.example.com"},
            ],
        },
        "status": {"loadBalancer": {"ingress": [{"ip": "203.0.113.7"}]}},
    }
    assert cells("networking.k8s.io", "v1", "Ingress", ing, NOW) == [
        "web",
        "nginx",
        "a.example.com,b.example.com,c.example.com + 2 more...",
        "203.0.113.7",
        "80, 443",
        "60s",
    ]
