"""The real kubectl builds 1.28, 1.30, 1.32 and 1.33 (picked by /usr/bin/kubectl from the
minor version the server reports) against the engine over TLS: every build must see the
same thing (1.28 runs the core subset). Each version gets its own lab; the tests of one
version run in file order.

Besides the cross-version subset this covers the kubectl-wire.md commands that
tests/api/rest does not: describe pod/node, edit, apply --server-side, wait, rollout
status/restart, delete -f, `get -o yaml` of a list, pagination, version.
"""

from __future__ import annotations

import re
import ssl
import subprocess
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import yaml

from ..helpers import KUBECTL, isolated_env
from ..rest.conftest import Lab
from .conftest import start_versioned_lab, stop_versioned_lab

MINORS = ["28", "30", "32", "33"]
CORE_ONLY = "28"  # the oldest build runs the core subset only (the suite's time budget)
MERGE = {"Content-Type": "application/merge-patch+json"}
ANSI = re.compile(r"\x1b\[[0-9;]*m")

POD = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "web-0", "labels": {"app": "web"}},
    "spec": {"containers": [{"name": "web", "image": "nginx:1.25"}]},
}
NODE = {
    "apiVersion": "v1",
    "kind": "Node",
    "metadata": {"name": "node-1", "labels": {"kubernetes.io/hostname": "node-1"}},
    "spec": {"podCIDR": "10.244.1.0/24"},
}
DEPLOYMENT = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "web", "labels": {"app": "web"}},
    "spec": {
        "replicas": 2,
        "selector": {"matchLabels": {"app": "web"}},
        "template": {
            "metadata": {"labels": {"app": "web"}},
            "spec": {"containers": [{"name": "web", "image": "nginx:1.25"}]},
        },
    },
}


class VersionedLab:
    def __init__(self, lab: Lab, minor: str) -> None:
        self.lab = lab
        self.minor = minor
        context = ssl.create_default_context(cafile=str(lab.ca_file))
        self.http = httpx.Client(
            base_url=lab.url,
            verify=context,
            headers={"Authorization": f"Bearer {lab.token}"},
            timeout=20,
        )

    def run(
        self, *args: str, input: str | None = None, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [KUBECTL, "--kubeconfig", str(self.lab.kubeconfig), *args],
            env={**isolated_env(self.lab.tmp), **(env or {})},
            capture_output=True,
            text=True,
            input=input,
            timeout=60,
        )

    def ok(self, *args: str, input: Any = None, env: dict[str, str] | None = None) -> str:
        text = input if input is None or isinstance(input, str) else yaml.safe_dump(input)
        result = self.run(*args, input=text, env=env)
        assert result.returncode == 0, f"kubectl 1.{self.minor} {args} failed:\n{result.stderr}"
        return result.stdout

    def fails(self, *args: str, input: Any = None) -> str:
        text = input if input is None or isinstance(input, str) else yaml.safe_dump(input)
        result = self.run(*args, input=text)
        assert result.returncode != 0, f"kubectl 1.{self.minor} {args} succeeded"
        return result.stderr


@pytest.fixture(scope="module", params=MINORS, ids=[f"kubectl-1.{m}" for m in MINORS])
def k(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[VersionedLab]:
    minor: str = request.param
    lab = start_versioned_lab(tmp_path_factory.mktemp(f"kubectl-1.{minor}"), minor)
    instance = VersionedLab(lab, minor)
    try:
        yield instance
    finally:
        instance.http.close()
        stop_versioned_lab(lab)


def full_suite(k: VersionedLab) -> None:
    if k.minor == CORE_ONLY:
        pytest.skip(f"kubectl 1.{CORE_ONLY} runs the core subset only")


def rows(out: str) -> list[list[str]]:
    return [line.split() for line in out.splitlines() if line.strip()]


def lines(out: str) -> list[str]:
    return [line.rstrip() for line in out.splitlines()]


def field(out: str, name: str) -> str:
    """The value of a `Name:   value` line of `kubectl describe`."""
    for line in out.splitlines():
        if line.startswith(f"{name}:"):
            return line.split(":", 1)[1].strip()
    raise AssertionError(f"no {name}: line in\n{out}")


# -- version, discovery, cluster-info ----------------------------------------------------


def test_the_dispatcher_runs_the_build_of_the_reported_minor(k: VersionedLab):
    out = k.ok("version")
    assert f"Client Version: v1.{k.minor}." in out
    assert f"Server Version: v1.{k.minor}.4-ktui" in out


def test_api_resources_and_cluster_info(k: VersionedLab):
    table = {r[0]: r for r in rows(k.ok("api-resources", "--no-headers"))}
    assert table["pods"][1:] == ["po", "v1", "true", "Pod"]
    assert table["deployments"][1:] == ["deploy", "apps/v1", "true", "Deployment"]
    assert table["nodes"][1:] == ["no", "v1", "false", "Node"]
    info = ANSI.sub("", k.ok("cluster-info"))  # 1.28 and 1.30 colour it even into a pipe
    assert f"Kubernetes control plane is running at {k.lab.url}" in info


# -- create, get, describe ---------------------------------------------------------------


def test_create_and_already_exists(k: VersionedLab):
    assert k.ok("create", "-f", "-", input=POD) == "pod/web-0 created\n"
    assert k.fails("create", "-f", "-", input=POD).strip() == (
        'Error from server (AlreadyExists): error when creating "STDIN": '
        'pods "web-0" already exists'
    )


def test_get_in_every_shape(k: VersionedLab):
    table = rows(k.ok("get", "pods"))
    assert table[0] == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    assert table[1][:4] == ["web-0", "0/1", "Pending", "0"]
    everywhere = rows(k.ok("get", "pods", "-A"))
    assert everywhere[0] == ["NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    assert everywhere[1][:2] == ["default", "web-0"]
    wide = rows(k.ok("get", "pods", "-o", "wide"))
    assert wide[0] == [
        "NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED", "NODE",
        "READINESS", "GATES",
    ]  # fmt: skip
    assert wide[1][5:] == ["<none>", "<none>", "<none>", "<none>"]
    one = yaml.safe_load(k.ok("get", "pod", "web-0", "-o", "yaml"))
    assert one["kind"] == "Pod" and one["spec"]["containers"][0]["image"] == "nginx:1.25"
    listed = yaml.safe_load(k.ok("get", "pods", "-o", "yaml"))
    assert listed["kind"] == "List" and [i["metadata"]["name"] for i in listed["items"]] == [
        "web-0"
    ]
    assert k.ok("get", "pods", "--show-labels", "--no-headers").split()[-1] == "app=web"


def test_pagination_with_chunk_size(k: VersionedLab):
    full_suite(k)
    for i in range(5):
        k.http.post(
            "/api/v1/namespaces/default/configmaps",
            json={"metadata": {"name": f"page-{i}", "labels": {"paged": "yes"}}},
        )
    names = rows(k.ok("get", "cm", "-l", "paged=yes", "--chunk-size=2", "--no-headers"))
    assert [r[0] for r in names] == [f"page-{i}" for i in range(5)]


def test_describe_pod(k: VersionedLab):
    out = k.ok("describe", "pod", "web-0")
    assert field(out, "Name") == "web-0"
    assert field(out, "Namespace") == "default"
    assert field(out, "Labels") == "app=web"
    assert field(out, "Status") == "Pending"
    assert ["Image:", "nginx:1.25"] in rows(out)
    assert rows(out)[-1] == ["Events:", "<none>"]


def test_describe_node_created_by_hand(k: VersionedLab):
    full_suite(k)
    assert k.ok("create", "-f", "-", input=NODE) == "node/node-1 created\n"
    pod = dict(POD, metadata={"name": "on-node", "labels": {"app": "on-node"}})
    pod = dict(pod, spec=dict(POD["spec"], nodeName="node-1"))
    assert k.ok("create", "-f", "-", input=pod) == "pod/on-node created\n"
    out = k.ok("describe", "node", "node-1")
    assert field(out, "Name") == "node-1"
    assert field(out, "Labels") == "kubernetes.io/hostname=node-1"
    assert field(out, "PodCIDR") == "10.244.1.0/24"
    assert "Non-terminated Pods:          (1 in total)" in out
    pod_rows = [line.split() for line in lines(out) if "on-node" in line]
    assert pod_rows and pod_rows[0][:2] == ["default", "on-node"]
    assert rows(out)[-1] == ["Events:", "<none>"]
    table = rows(k.ok("get", "nodes"))
    assert table[0] == ["NAME", "STATUS", "ROLES", "AGE", "VERSION"]
    assert table[1][:3] == ["node-1", "Unknown", "<none>"]


# -- apply, edit, label, annotate, patch -----------------------------------------------


def test_apply_twice_then_server_side(k: VersionedLab):
    assert k.ok("apply", "-f", "-", input=DEPLOYMENT) == "deployment.apps/web created\n"
    assert k.ok("apply", "-f", "-", input=DEPLOYMENT) == "deployment.apps/web unchanged\n"
    changed = dict(DEPLOYMENT, spec={**DEPLOYMENT["spec"], "replicas": 3})
    assert k.ok("apply", "-f", "-", input=changed) == "deployment.apps/web configured\n"
    ssa = dict(DEPLOYMENT, spec={**DEPLOYMENT["spec"], "replicas": 4})
    assert (
        k.ok("apply", "--server-side", "--force-conflicts", "-f", "-", input=ssa)
        == "deployment.apps/web serverside-applied\n"
    )
    assert k.ok("get", "deploy", "web", "-o", "jsonpath={.spec.replicas}") == "4"
    shown = k.http.get("/apis/apps/v1/namespaces/default/deployments/web").json()
    managers = {m["manager"] for m in shown["metadata"]["managedFields"]}
    assert "kubectl" in managers


def test_edit_with_a_scripted_editor(k: VersionedLab):
    full_suite(k)
    editor = "sed -i -e s/nginx:1.25/nginx:1.27/"
    out = k.ok("edit", "deployment", "web", env={"EDITOR": editor, "KUBE_EDITOR": editor})
    assert out == "deployment.apps/web edited\n"
    image = k.ok("get", "deploy", "web", "-o", "jsonpath={.spec.template.spec.containers[0].image}")
    assert image == "nginx:1.27"
    unchanged = k.run("edit", "deployment", "web", env={"KUBE_EDITOR": "true"})
    assert (unchanged.returncode, unchanged.stdout) == (0, "")
    assert unchanged.stderr == "Edit cancelled, no changes made.\n"


def test_label_annotate_and_every_patch_type(k: VersionedLab):
    assert k.ok("label", "pod", "web-0", "tier=front") == "pod/web-0 labeled\n"
    assert k.ok("label", "pod", "web-0", "tier-") == "pod/web-0 unlabeled\n"
    assert k.ok("annotate", "pod", "web-0", "note=hello") == "pod/web-0 annotated\n"
    merge = '{"spec":{"replicas":2}}'
    assert k.ok("patch", "deploy", "web", "--type", "merge", "-p", merge) == (
        "deployment.apps/web patched\n"
    )
    assert k.ok("patch", "deploy", "web", "--type", "merge", "-p", merge) == (
        "deployment.apps/web patched (no change)\n"
    )
    json_patch = '[{"op":"replace","path":"/spec/replicas","value":1}]'
    assert k.ok("patch", "deploy", "web", "--type", "json", "-p", json_patch) == (
        "deployment.apps/web patched\n"
    )
    strategic = (
        '{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:1.28"}]}}}}'
    )
    assert k.ok("patch", "deploy", "web", "-p", strategic) == "deployment.apps/web patched\n"
    spec = yaml.safe_load(k.ok("get", "deploy", "web", "-o", "yaml"))["spec"]
    assert spec["replicas"] == 1
    assert [c["image"] for c in spec["template"]["spec"]["containers"]] == ["nginx:1.28"]


def test_scale(k: VersionedLab):
    full_suite(k)
    assert k.ok("scale", "deploy/web", "--replicas=2") == "deployment.apps/web scaled\n"
    assert k.ok("get", "deploy", "web", "-o", "jsonpath={.spec.replicas}") == "2"


# -- status-driven commands: rollout status, wait ----------------------------------------


def test_rollout_status_of_a_deployment_whose_status_is_set(k: VersionedLab):
    full_suite(k)
    path = "/apis/apps/v1/namespaces/default/deployments/web"
    generation = k.http.get(path).json()["metadata"]["generation"]
    status = {
        "observedGeneration": generation,
        "replicas": 2,
        "updatedReplicas": 2,
        "readyReplicas": 2,
        "availableReplicas": 2,
        "conditions": [
            {
                "type": "Available",
                "status": "True",
                "reason": "MinimumReplicasAvailable",
                "message": "Deployment has minimum availability.",
            },
            {
                "type": "Progressing",
                "status": "True",
                "reason": "NewReplicaSetAvailable",
                "message": 'ReplicaSet "web-1" has successfully progressed.',
            },
        ],
    }
    response = k.http.patch(f"{path}/status", json={"status": status}, headers=MERGE)
    assert response.status_code == 200, response.text
    out = k.ok("rollout", "status", "deploy/web", "--timeout=20s")
    assert out == 'deployment "web" successfully rolled out\n'
    table = rows(k.ok("get", "deploy", "web"))
    assert table[1][:4] == ["web", "2/2", "2", "2"]
    assert k.ok("rollout", "restart", "deploy/web") == "deployment.apps/web restarted\n"
    annotations = k.http.get(path).json()["spec"]["template"]["metadata"]["annotations"]
    assert "kubectl.kubernetes.io/restartedAt" in annotations


def test_wait_for_a_condition_set_through_the_status_subresource(k: VersionedLab):
    full_suite(k)
    response = k.http.patch(
        "/api/v1/namespaces/default/pods/web-0/status",
        json={"status": {"conditions": [{"type": "Ready", "status": "True"}]}},
        headers={"Content-Type": "application/strategic-merge-patch+json"},
    )
    assert response.status_code == 200, response.text
    out = k.ok("wait", "--for=condition=Ready", "pod/web-0", "--timeout=20s")
    assert out == "pod/web-0 condition met\n"


# -- explain -------------------------------------------------------------------------------


def test_explain(k: VersionedLab):
    full_suite(k)
    out = k.ok("explain", "pods.spec.containers")
    assert "KIND:       Pod" in out and "VERSION:    v1" in out
    assert "FIELD: containers <[]Container>" in out
    assert "  image\t<string>" in out


# -- errors ----------------------------------------------------------------------------------


def test_error_messages(k: VersionedLab):
    assert k.fails("get", "pod", "nope").strip() == (
        'Error from server (NotFound): pods "nope" not found'
    )
    bad = dict(DEPLOYMENT, metadata={"name": "bad"}, spec={**DEPLOYMENT["spec"], "replicas": -1})
    assert k.fails("create", "-f", "-", input=bad).strip() == (
        'The Deployment "bad" is invalid: spec.replicas: Invalid value: -1: '
        "must be greater than or equal to 0"
    )
    unknown = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "u"}, "foo": "bar"}
    assert k.fails("create", "-f", "-", input=unknown).strip() == (
        'Error from server (BadRequest): error when creating "STDIN": ConfigMap in version "v1" '
        'cannot be handled as a ConfigMap: strict decoding error: unknown field "foo"'
    )
    k.http.post("/api/v1/namespaces/default/configmaps", json={"metadata": {"name": "stale"}})
    old = yaml.safe_load(k.ok("get", "cm", "stale", "-o", "yaml"))
    k.ok("patch", "cm", "stale", "--type", "merge", "-p", '{"data":{"a":"2"}}')
    old["data"] = {"a": "3"}
    assert k.fails("replace", "-f", "-", input=old).strip() == (
        'Error from server (Conflict): error when replacing "STDIN": Operation cannot be '
        'fulfilled on configmaps "stale": the object has been modified; please apply your '
        "changes to the latest version and try again"
    )


# -- delete ----------------------------------------------------------------------------------


def test_delete_by_name_and_by_file(k: VersionedLab):
    assert k.ok("delete", "pod", "web-0") == 'pod "web-0" deleted\n'
    assert k.ok("delete", "-f", "-", input=DEPLOYMENT) == 'deployment.apps "web" deleted\n'
    assert k.fails("get", "deploy", "web").strip() == (
        'Error from server (NotFound): deployments.apps "web" not found'
    )
