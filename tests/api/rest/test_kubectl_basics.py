"""The real kubectl against the engine: what a user types and what they see."""

from __future__ import annotations

import signal
import subprocess
import time

import yaml

from ..helpers import KUBECTL, isolated_env
from .conftest import Lab

DEPLOYMENT = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "web", "labels": {"app": "web"}},
    "spec": {
        "replicas": 2,
        "selector": {"matchLabels": {"app": "web"}},
        "template": {
            "metadata": {"labels": {"app": "web"}},
            "spec": {
                "containers": [
                    {"name": "web", "image": "nginx:1.25", "ports": [{"containerPort": 80}]}
                ]
            },
        },
    },
}


def pod(name: str, **labels: str) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "labels": labels or {"app": name}},
        "spec": {"containers": [{"name": "main", "image": "busybox"}]},
    }


def rows(out: str) -> list[list[str]]:
    return [line.split() for line in out.splitlines()]


def test_get_namespaces_lists_the_system_namespaces(lab: Lab):
    table = rows(lab.ok("get", "ns"))
    assert table[0] == ["NAME", "STATUS", "AGE"]
    assert {r[0]: r[1] for r in table[1:]} == {
        "default": "Active",
        "kube-node-lease": "Active",
        "kube-public": "Active",
        "kube-system": "Active",
    }


def test_api_resources_shows_short_names_and_groups(lab: Lab):
    table = {r[0]: r for r in rows(lab.ok("api-resources", "--no-headers"))}
    assert table["pods"][1:] == ["po", "v1", "true", "Pod"]
    assert table["deployments"][1:] == ["deploy", "apps/v1", "true", "Deployment"]
    assert table["namespaces"][1:] == ["ns", "v1", "false", "Namespace"]
    assert table["customresourcedefinitions"][1:] == [
        "crd,crds",
        "apiextensions.k8s.io/v1",
        "false",
        "CustomResourceDefinition",
    ]
    assert "leases" in table and "poddisruptionbudgets" in table


def test_create_get_and_yaml_of_a_pod(lab: Lab):
    assert lab.ok("create", "-f", "-", input=yaml.safe_dump(pod("alpha"))) == "pod/alpha created\n"
    table = rows(lab.ok("get", "pods"))
    assert table[0] == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    assert rows(lab.ok("get", "pod", "alpha"))[1][:4] == ["alpha", "0/1", "Pending", "0"]
    shown = yaml.safe_load(lab.ok("get", "pod", "alpha", "-o", "yaml"))
    assert shown["metadata"]["resourceVersion"].isdigit()
    assert shown["metadata"]["uid"]
    spec = shown["spec"]
    assert spec["restartPolicy"] == "Always"
    assert spec["dnsPolicy"] == "ClusterFirst"
    assert spec["terminationGracePeriodSeconds"] == 30
    assert spec["schedulerName"] == "default-scheduler"
    assert spec["containers"][0]["imagePullPolicy"] == "Always"  # untagged image
    assert spec["containers"][0]["terminationMessagePath"] == "/dev/termination-log"
    assert shown["status"]["phase"] == "Pending"
    wide = rows(lab.ok("get", "pods", "-A", "-o", "wide"))
    assert wide[0][:2] == ["NAMESPACE", "NAME"] and "NODE" in wide[0]
    assert ["default", "alpha"] in [r[:2] for r in wide[1:]]


def test_create_twice_is_already_exists(lab: Lab):
    lab.ok("create", "-f", "-", input=yaml.safe_dump(pod("twice")))
    err = lab.fails("create", "-f", "-", input=yaml.safe_dump(pod("twice")))
    assert (
        'Error from server (AlreadyExists): error when creating "STDIN": pods "twice" already exists'
        in err
    )


def test_get_missing_is_not_found(lab: Lab):
    assert (
        lab.fails("get", "pod", "nope").strip()
        == 'Error from server (NotFound): pods "nope" not found'
    )


def test_deployment_create_scale_apply_and_delete(lab: Lab):
    manifest = yaml.safe_dump(DEPLOYMENT)
    assert lab.ok("create", "-f", "-", input=manifest) == "deployment.apps/web created\n"
    table = rows(lab.ok("get", "deploy"))
    assert table[0] == ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]
    assert table[1][:4] == ["web", "0/2", "0", "0"]
    assert lab.ok("scale", "deploy/web", "--replicas=3") == "deployment.apps/web scaled\n"
    assert (
        lab.ok("get", "deploy", "web", "-o", "jsonpath={.spec.replicas} {.metadata.generation}")
        == "3 2"
    )
    changed = dict(DEPLOYMENT, spec={**DEPLOYMENT["spec"], "replicas": 4})
    assert "deployment.apps/web configured" in lab.ok(
        "apply", "-f", "-", input=yaml.safe_dump(changed)
    )
    assert (
        lab.ok("apply", "-f", "-", input=yaml.safe_dump(changed))
        == "deployment.apps/web unchanged\n"
    )
    assert lab.ok("get", "deploy", "web", "-o", "jsonpath={.spec.replicas}") == "4"
    assert lab.ok("delete", "deploy", "web") == 'deployment.apps "web" deleted\n'
    assert "NotFound" in lab.fails("get", "deploy", "web")


def test_label_annotate_and_patches(lab: Lab):
    lab.ok("create", "-f", "-", input=yaml.safe_dump(pod("labelled")))
    assert lab.ok("label", "pod", "labelled", "tier=front") == "pod/labelled labeled\n"
    assert lab.ok("annotate", "pod", "labelled", "note=hello") == "pod/labelled annotated\n"
    merge = '{"metadata":{"labels":{"extra":"yes"}}}'
    assert (
        lab.ok("patch", "pod", "labelled", "--type", "merge", "-p", merge)
        == "pod/labelled patched\n"
    )
    assert (
        lab.ok("patch", "pod", "labelled", "--type", "merge", "-p", merge)
        == "pod/labelled patched (no change)\n"
    )
    json_patch = '[{"op":"remove","path":"/metadata/labels/extra"}]'
    assert (
        lab.ok("patch", "pod", "labelled", "--type", "json", "-p", json_patch)
        == "pod/labelled patched\n"
    )
    strategic = '{"metadata":{"labels":{"tier":null}}}'
    assert lab.ok("patch", "pod", "labelled", "-p", strategic) == "pod/labelled patched\n"
    shown = yaml.safe_load(lab.ok("get", "pod", "labelled", "-o", "yaml"))
    assert shown["metadata"]["labels"] == {"app": "labelled"}
    assert shown["metadata"]["annotations"] == {"note": "hello"}
    out = lab.ok("get", "pods", "-l", "app=labelled", "--show-labels")
    assert rows(out)[1][0] == "labelled" and rows(out)[1][-1] == "app=labelled"


def test_invalid_deployment_lists_the_field_errors(lab: Lab):
    bad = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "bad"},
        "spec": {
            "replicas": -1,
            "selector": {"matchLabels": {"app": "b"}},
            "template": {
                "metadata": {"labels": {"app": "b"}},
                "spec": {"containers": [{"name": "web", "image": "nginx"}]},
            },
        },
    }
    err = lab.fails("create", "-f", "-", input=yaml.safe_dump(bad))
    assert err.strip() == (
        'The Deployment "bad" is invalid: spec.replicas: Invalid value: -1: '
        "must be greater than or equal to 0"
    )


def test_unknown_field_is_rejected_by_strict_validation(lab: Lab):
    doc = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "strict"}, "foo": "bar"}
    err = lab.fails("create", "-f", "-", input=yaml.safe_dump(doc))
    assert 'strict decoding error: unknown field "foo"' in err
    assert "NotFound" in lab.fails("get", "configmap", "strict")


def test_replace_with_a_stale_resource_version_is_a_conflict(lab: Lab):
    doc = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "stale"},
        "data": {"a": "1"},
    }
    lab.ok("create", "-f", "-", input=yaml.safe_dump(doc))
    old = yaml.safe_load(lab.ok("get", "configmap", "stale", "-o", "yaml"))
    lab.ok("patch", "configmap", "stale", "--type", "merge", "-p", '{"data":{"a":"2"}}')
    old["data"]["a"] = "3"
    err = lab.fails("replace", "-f", "-", input=yaml.safe_dump(old))
    assert (
        'Error from server (Conflict): error when replacing "STDIN": Operation cannot be fulfilled '
        'on configmaps "stale": the object has been modified; please apply your changes to the '
        "latest version and try again"
    ) in err
    assert lab.ok("get", "configmap", "stale", "-o", "jsonpath={.data.a}") == "2"


def test_get_watch_prints_a_new_pod_then_is_stopped(lab: Lab):
    watcher = subprocess.Popen(
        [KUBECTL, "--kubeconfig", str(lab.kubeconfig), "get", "pods", "-w", "-l", "app=watched"],
        env=isolated_env(lab.tmp),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(1.0)  # let kubectl list and start its watch (a missed event fails below)
        lab.ok("create", "-f", "-", input=yaml.safe_dump(pod("watched")))
        assert watcher.stdout is not None
        line = ""
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            line = watcher.stdout.readline()
            if line.startswith("watched"):
                break
        assert line.split()[:3] == ["watched", "0/1", "Pending"]
        assert watcher.poll() is None, "the watch stream must stay open"
    finally:
        watcher.send_signal(signal.SIGINT)
        watcher.wait(timeout=10)


def test_delete_pod_and_cluster_info(lab: Lab):
    lab.ok("create", "-f", "-", input=yaml.safe_dump(pod("doomed")))
    assert lab.ok("delete", "pod", "doomed") == 'pod "doomed" deleted\n'
    assert "NotFound" in lab.fails("get", "pod", "doomed")
    info = lab.ok("cluster-info")
    assert f"Kubernetes control plane is running at {lab.url}" in info


def test_explain_uses_the_openapi_schemas(lab: Lab):
    out = lab.ok("explain", "pods.spec.containers")
    assert "KIND:       Pod" in out
    assert "FIELD: containers <[]Container>" in out
