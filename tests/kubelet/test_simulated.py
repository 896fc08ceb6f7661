"""A simulated node: pods read Running with no process, and still stop and go."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from kubernetes import client as k8s
from kubernetes import config as k8s_config
from kubernetes.client.rest import ApiException

from engine.api.status import StatusError

from .helpers import boot, kubectl, pod, sh, until

TOML = '[[nodes]]\nname = "hollow"\nruntime = "simulated"\n'


def test_simulated_pods_run_without_processes(tmp_path: Path):
    cluster = boot(tmp_path, TOML)
    api = k8s_config.new_client_from_config(str(cluster.kubeconfig_path))
    core = k8s.CoreV1Api(api)
    try:
        node = core.read_node("hollow")
        assert node.status.node_info.container_runtime_version == "ktui-simulated://1"
        core.create_namespaced_pod("default", pod("p", sh("main", "exit 1"), node="hollow"))
        found = until(
            lambda: (p := core.read_namespaced_pod("p", "default")).status.phase == "Running" and p,
            what="Running",
        )
        status = found.status.container_statuses[0]
        assert status.ready and status.container_id.startswith("simulated://")
        agent = cluster.api.node_agents.get("hollow")
        raw = api.sanitize_for_serialization(found)
        log = agent.container_log(raw, "main", previous=False)
        assert "runs no process" in log.path.read_text() and log.running()
        with pytest.raises(StatusError, match="simulated"):
            asyncio.run(agent.exec(raw, "main", ["true"], tty=False, stdin=False))
        kubectl(cluster, "delete", "pod", "p", "--timeout=10s")
        with pytest.raises(ApiException):
            core.read_namespaced_pod("p", "default")
    finally:
        api.close()
        cluster.stop()
