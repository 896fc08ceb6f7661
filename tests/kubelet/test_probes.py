"""Readiness, liveness and startup probes (exec, httpGet, tcpSocket)."""

from __future__ import annotations

import socket

from kubernetes import client as k8s

from .helpers import pod, sh, until


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main_status(core: k8s.CoreV1Api, ns: str, name: str) -> k8s.V1ContainerStatus:
    return core.read_namespaced_pod(name, ns).status.container_statuses[0]


def test_readiness_decides_ready(core: k8s.CoreV1Api, ns: str):
    probe = {"exec": {"command": ["test", "-e", "ready"]}, "periodSeconds": 1}
    core.create_namespaced_pod(ns, pod("gate", sh("main", "sleep 300", readinessProbe=probe)))
    status = until(lambda: main_status(core, ns, "gate").state.running, what="running")
    assert status and not main_status(core, ns, "gate").ready
    ready = {c.type: c for c in core.read_namespaced_pod("gate", ns).status.conditions}["Ready"]
    assert (ready.status, ready.reason) == ("False", "ContainersNotReady")
    # The probe looks in the container's working directory (the pod's sandbox root).
    found = core.read_namespaced_pod("gate", ns)
    pid = int(found.status.container_statuses[0].container_id.removeprefix("process://"))
    with open(f"/proc/{pid}/cwd/ready", "w"):
        pass
    until(lambda: main_status(core, ns, "gate").ready, what="ready")


def test_a_failing_liveness_probe_restarts_the_container(core: k8s.CoreV1Api, ns: str):
    port = free_port()
    server = {
        "name": "web",
        "image": "python:3",
        "command": ["python3", "-m", "http.server", str(port), "--bind", "127.0.0.1"],
        "livenessProbe": {
            "httpGet": {"path": "/missing", "port": port},
            "periodSeconds": 1,
            "failureThreshold": 1,
        },
    }
    core.create_namespaced_pod(ns, pod("live", server, terminationGracePeriodSeconds=1))
    until(lambda: main_status(core, ns, "live").restart_count >= 1, timeout=15, what="a restart")
    assert main_status(core, ns, "live").last_state.terminated is not None


def test_a_passing_tcp_liveness_probe_leaves_the_container_alone(core: k8s.CoreV1Api, ns: str):
    port = free_port()
    server = {
        "name": "web",
        "image": "python:3",
        "command": ["python3", "-m", "http.server", str(port), "--bind", "127.0.0.1"],
        "livenessProbe": {"tcpSocket": {"port": "http"}, "periodSeconds": 1},
        "readinessProbe": {"httpGet": {"path": "/", "port": "http"}, "periodSeconds": 1},
        "ports": [{"name": "http", "containerPort": port}],
    }
    core.create_namespaced_pod(ns, pod("steady", server))
    until(lambda: main_status(core, ns, "steady").ready, what="ready")
    assert main_status(core, ns, "steady").restart_count == 0


def test_a_startup_probe_holds_started_back(core: k8s.CoreV1Api, ns: str):
    probe = {"exec": {"command": ["test", "-e", "up"]}, "periodSeconds": 1}
    core.create_namespaced_pod(
        ns, pod("slow", sh("main", "sleep 1; touch up; sleep 300", startupProbe=probe))
    )
    first = until(
        lambda: main_status(core, ns, "slow").state.running and main_status(core, ns, "slow")
    )
    assert first.started is False and first.ready is False
    status = until(lambda: main_status(core, ns, "slow").started and main_status(core, ns, "slow"))
    assert status.ready and status.restart_count == 0
