"""Node registration, status and the Lease heartbeat, as kubectl and the client see them."""

from __future__ import annotations

from pathlib import Path

import pytest
from kubernetes import client as k8s

from engine.api.app import version_info
from engine.cluster import Cluster, ClusterError

from .helpers import boot, kubectl, until


def test_every_node_of_the_folder_is_ready_with_its_version(lab: Cluster):
    out = kubectl(lab, "get", "nodes").stdout.splitlines()
    assert out[0].split() == ["NAME", "STATUS", "ROLES", "AGE", "VERSION"]
    rows = {line.split()[0]: line.split() for line in out[1:]}
    assert set(rows) == {"node-a", "node-b"}
    for row in rows.values():
        assert row[1] == "Ready"
        assert row[4] == version_info()["gitVersion"]


def test_the_node_reports_capacity_labels_taints_and_system_info(lab: Cluster, core: k8s.CoreV1Api):
    node = core.read_node("node-a")
    assert node.metadata.labels["kubernetes.io/hostname"] == "node-a"
    assert node.metadata.labels["kubernetes.io/os"] == "linux"
    assert node.metadata.labels["tier"] == "test"
    assert "kubernetes.io/arch" in node.metadata.labels
    assert [(t.key, t.value, t.effect) for t in node.spec.taints] == [
        ("dedicated", "tests", "PreferNoSchedule")
    ]
    assert node.status.capacity["cpu"] == "2"
    assert node.status.capacity["memory"] == "4Gi"
    assert node.status.allocatable["pods"] == "30"
    assert {(a.type, a.address) for a in node.status.addresses} == {
        ("InternalIP", "127.0.0.1"),
        ("Hostname", "node-a"),
    }
    info = node.status.node_info
    assert info.container_runtime_version == "ktui-process://1"
    assert info.kubelet_version == version_info()["gitVersion"]
    assert info.operating_system == "linux" and info.kernel_version
    conditions = {c.type: c for c in node.status.conditions}
    assert {t: c.status for t, c in conditions.items()} == {
        "MemoryPressure": "False",
        "DiskPressure": "False",
        "PIDPressure": "False",
        "Ready": "True",
    }
    assert conditions["Ready"].reason == "KubeletReady"
    assert conditions["Ready"].last_heartbeat_time is not None


def test_describe_node_shows_the_lease_and_the_conditions(lab: Cluster):
    out = kubectl(lab, "describe", "node", "node-b").stdout
    assert "HolderIdentity:  node-b" in out
    assert "KubeletReady" in out
    assert "Container Runtime Version:  ktui-process://1" in out


def test_the_lease_is_renewed(core: k8s.CoreV1Api):
    coordination = k8s.CoordinationV1Api(core.api_client)
    first = coordination.read_namespaced_lease("node-a", "kube-node-lease")
    assert first.spec.holder_identity == "node-a"
    assert first.spec.lease_duration_seconds == 40
    assert first.metadata.owner_references[0].kind == "Node"
    until(
        lambda: (
            coordination.read_namespaced_lease("node-a", "kube-node-lease").spec.renew_time
            > first.spec.renew_time
        ),
        what="a renewed lease",
    )


def test_a_bad_nodes_entry_is_a_clear_error(tmp_path: Path):
    with pytest.raises(ClusterError, match="runtime 'docker' is not one of process"):
        boot(tmp_path, '[[nodes]]\nname = "x"\nruntime = "docker"\n')
