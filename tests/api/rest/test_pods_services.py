"""Pods (defaults, binding, eviction, graceful deletion, node-agent subresources) and
Services (cluster IP and node port allocation)."""

from __future__ import annotations

import ipaddress

import httpx

from .conftest import create_namespace

PODS = "/api/v1/namespaces/pods-ns/pods"
SERVICES = "/api/v1/namespaces/pods-ns/services"


def pod(name: str, **labels: str) -> dict:
    return {
        "metadata": {"name": name, "labels": labels},
        "spec": {
            "containers": [{"name": "c", "image": "nginx:1.25", "ports": [{"containerPort": 80}]}]
        },
    }


def test_binding_sets_the_node_once(http: httpx.Client):
    create_namespace(http, "pods-ns")
    http.post(PODS, json=pod("bound"))
    binding = {
        "apiVersion": "v1",
        "kind": "Binding",
        "metadata": {"name": "bound"},
        "target": {"kind": "Node", "name": "node-1"},
    }
    first = http.post(f"{PODS}/bound/binding", json=binding)
    assert first.status_code == 201 and first.json()["status"] == "Success"
    got = http.get(f"{PODS}/bound").json()
    assert got["spec"]["nodeName"] == "node-1"
    assert {"type": "PodScheduled", "status": "True"}.items() <= got["status"]["conditions"][
        0
    ].items()
    again = http.post(f"{PODS}/bound/binding", json=binding)
    assert again.status_code == 409
    assert (
        again.json()["message"]
        == 'Operation cannot be fulfilled on pods/binding "bound": pod bound is already assigned to node "node-1"'
    )


def test_pod_on_a_node_is_deleted_gracefully(http: httpx.Client):
    http.post(PODS, json=pod("graceful"))
    http.post(
        f"{PODS}/graceful/binding",
        json={"metadata": {"name": "graceful"}, "target": {"name": "node-1"}},
    )
    deleted = http.delete(f"{PODS}/graceful")
    assert deleted.status_code == 200
    meta = deleted.json()["metadata"]
    assert meta["deletionGracePeriodSeconds"] == 30 and meta["deletionTimestamp"]
    assert http.get(f"{PODS}/graceful").status_code == 200  # the kubelet finishes it
    forced = http.delete(f"{PODS}/graceful", params={"gracePeriodSeconds": 0})
    assert forced.status_code == 200
    assert http.get(f"{PODS}/graceful").status_code == 404


def test_unscheduled_pod_is_deleted_at_once_and_returned(http: httpx.Client):
    http.post(PODS, json=pod("quick"))
    deleted = http.delete(f"{PODS}/quick")
    assert deleted.json()["kind"] == "Pod"
    assert http.get(f"{PODS}/quick").status_code == 404


def test_eviction_honours_disruption_budgets(http: httpx.Client):
    http.post(PODS, json=pod("free"))
    evicted = http.post(
        f"{PODS}/free/eviction",
        json={"apiVersion": "policy/v1", "kind": "Eviction", "metadata": {"name": "free"}},
    )
    assert evicted.status_code == 201
    assert http.get(f"{PODS}/free").status_code == 404
    http.post(PODS, json=pod("guarded", app="guarded"))
    http.put(
        f"{PODS}/guarded/status",
        json={**http.get(f"{PODS}/guarded").json(), "status": {"phase": "Running"}},
    )
    pdb = {
        "metadata": {"name": "guard"},
        "spec": {"minAvailable": 1, "selector": {"matchLabels": {"app": "guarded"}}},
    }
    assert (
        http.post("/apis/policy/v1/namespaces/pods-ns/poddisruptionbudgets", json=pdb).status_code
        == 201
    )
    refused = http.post(f"{PODS}/guarded/eviction", json={"metadata": {"name": "guarded"}})
    assert refused.status_code == 429
    assert (
        refused.json()["message"]
        == "Cannot evict pod as it would violate the pod's disruption budget."
    )
    assert http.get(f"{PODS}/guarded").status_code == 200


def test_node_agent_subresources_are_not_available_yet(http: httpx.Client):
    http.post(PODS, json=pod("logs"))
    unscheduled = http.get(f"{PODS}/logs/log")
    assert unscheduled.status_code == 400
    assert unscheduled.json()["message"] == "pod logs does not have a host assigned"
    http.post(
        f"{PODS}/logs/binding", json={"metadata": {"name": "logs"}, "target": {"name": "node-1"}}
    )
    later = http.get(f"{PODS}/logs/log")
    assert later.status_code == 503 and "not available yet" in later.json()["message"]


def test_service_ip_and_node_port_allocation(http: httpx.Client):
    spec = {"type": "NodePort", "ports": [{"port": 80}], "selector": {"app": "x"}}
    first = http.post(SERVICES, json={"metadata": {"name": "one"}, "spec": spec}).json()
    second = http.post(SERVICES, json={"metadata": {"name": "two"}, "spec": spec}).json()
    ips = {first["spec"]["clusterIP"], second["spec"]["clusterIP"]}
    assert len(ips) == 2 and "10.96.0.1" not in ips
    assert all(ipaddress.ip_address(ip) in ipaddress.ip_network("10.96.0.0/12") for ip in ips)
    ports = {first["spec"]["ports"][0]["nodePort"], second["spec"]["ports"][0]["nodePort"]}
    assert len(ports) == 2 and all(30000 <= p <= 32767 for p in ports)
    assert (
        first["spec"]["ports"][0]["targetPort"] == 80 and first["spec"]["sessionAffinity"] == "None"
    )
    taken = first["spec"]["clusterIP"]
    clash = http.post(
        SERVICES,
        json={"metadata": {"name": "three"}, "spec": {"clusterIP": taken, "ports": [{"port": 80}]}},
    )
    assert clash.status_code == 422
    assert (
        f"failed to allocate IP {taken}: provided IP is already allocated"
        in clash.json()["message"]
    )
    http.delete(f"{SERVICES}/one")
    reused = http.post(
        SERVICES,
        json={"metadata": {"name": "three"}, "spec": {"clusterIP": taken, "ports": [{"port": 80}]}},
    )
    assert reused.status_code == 201
    updated = http.put(
        f"{SERVICES}/three", json={"metadata": {"name": "three"}, "spec": {"ports": [{"port": 81}]}}
    )
    assert updated.status_code == 200 and updated.json()["spec"]["clusterIP"] == taken
