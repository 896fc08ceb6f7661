"""A container's environment and command line, resolved as kubelet resolves them."""

from __future__ import annotations

import pytest
from kubernetes import client as k8s

from engine.cluster import Cluster
from engine.kubelet.environment import expand

from .helpers import pod, until


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$(A)-$(B)", "one-$(B)"),  # an undefined variable is left as written
        ("$$(A)", "$(A)"),  # $$ escapes
        ("$(A", "$(A"),  # unterminated
        ("cost: $5", "cost: $5"),
        ("$(A)$(A)", "oneone"),
    ],
)
def test_expansion_follows_kubelet(text: str, expected: str):
    assert expand(text, {"A": "one"}) == expected


def test_env_value_from_sources_and_expansion_reach_the_process(
    lab: Cluster, core: k8s.CoreV1Api, ns: str
):
    core.create_namespaced_config_map(
        ns, {"metadata": {"name": "settings"}, "data": {"mode": "fast", "level": "3"}}
    )
    core.create_namespaced_secret(
        ns, {"metadata": {"name": "creds"}, "stringData": {"token": "s3cret"}}
    )
    container = {
        "name": "main",
        "image": "busybox",
        "command": ["sh", "-c"],
        "args": ["env > env.txt; echo $(GREETING) '$(NOPE)' > args.txt; sleep 300"],
        "envFrom": [{"configMapRef": {"name": "settings"}, "prefix": "CFG_"}],
        "env": [
            {"name": "NAME", "value": "world"},
            {"name": "GREETING", "value": "hello $(NAME)"},
            {"name": "POD", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
            {"name": "NS", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}},
            {"name": "NODE", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}},
            {"name": "APP", "valueFrom": {"fieldRef": {"fieldPath": "metadata.labels['app']"}}},
            {
                "name": "MODE",
                "valueFrom": {"configMapKeyRef": {"name": "settings", "key": "mode"}},
            },
            {"name": "TOKEN", "valueFrom": {"secretKeyRef": {"name": "creds", "key": "token"}}},
            {
                "name": "MEM_MI",
                "valueFrom": {"resourceFieldRef": {"resource": "limits.memory", "divisor": "1Mi"}},
            },
            {"name": "CPU", "valueFrom": {"resourceFieldRef": {"resource": "limits.cpu"}}},
            {
                "name": "MAYBE",
                "valueFrom": {"configMapKeyRef": {"name": "absent", "key": "k", "optional": True}},
            },
        ],
        "resources": {"limits": {"memory": "64Mi"}},
    }
    spec = pod("env", container)
    spec["metadata"]["labels"] = {"app": "demo"}
    core.create_namespaced_pod(ns, spec)
    assert lab.kubelets is not None
    kubelet = lab.kubelets.kubelet("node-a")
    assert kubelet is not None

    def written() -> dict[str, str] | None:
        found = core.api_client.sanitize_for_serialization(core.read_namespaced_pod("env", ns))
        root = kubelet.runtime.pod_dir(found) / "root"
        text = (root / "env.txt").read_text() if (root / "args.txt").exists() else ""
        pairs = dict(line.split("=", 1) for line in text.splitlines() if "=" in line)
        return {**pairs, "ARGS": (root / "args.txt").read_text().strip()} if pairs else None

    env = until(written, what="the container's environment")
    assert env["GREETING"] == "hello world"
    assert env["ARGS"] == "hello world $(NOPE)"
    assert (env["POD"], env["NS"], env["NODE"], env["APP"]) == ("env", ns, "node-a", "demo")
    assert (env["MODE"], env["CFG_mode"], env["CFG_level"]) == ("fast", "fast", "3")
    assert env["TOKEN"] == "s3cret"
    assert env["MEM_MI"] == "64"
    assert env["CPU"] == "2"  # no limit: the node's allocatable
    assert "MAYBE" not in env
    assert env["HOSTNAME"] == "env"


def test_a_missing_config_map_is_a_create_container_config_error(
    lab: Cluster, core: k8s.CoreV1Api, ns: str
):
    container = {
        "name": "main",
        "image": "busybox",
        "command": ["sleep", "300"],
        "env": [{"name": "X", "valueFrom": {"configMapKeyRef": {"name": "later", "key": "x"}}}],
    }
    core.create_namespaced_pod(ns, pod("waits", container))

    def waiting() -> k8s.V1ContainerStateWaiting | None:
        status = core.read_namespaced_pod("waits", ns).status.container_statuses[0]
        return status.state.waiting if status.state.waiting.reason != "ContainerCreating" else None

    state = until(waiting, what="a config error")
    assert state.reason == "CreateContainerConfigError"
    assert state.message == 'configmap "later" not found'
    core.create_namespaced_config_map(ns, {"metadata": {"name": "later"}, "data": {"x": "1"}})
    until(lambda: core.read_namespaced_pod("waits", ns).status.phase == "Running", what="Running")
