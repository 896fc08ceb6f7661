"""`kubectl apply --server-side` against the engine, over TLS, as kube-apiserver answers it."""

from __future__ import annotations

import json

import httpx
import yaml

from ..rest.conftest import Lab


def deployment(name: str, replicas: int | None = 2, image: str = "nginx:1.27", **extra) -> str:
    spec: dict = {
        "selector": {"matchLabels": {"app": name}},
        "template": {
            "metadata": {"labels": {"app": name}},
            "spec": {"containers": [{"name": "web", "image": image, **extra}]},
        },
    }
    if replicas is not None:
        spec["replicas"] = replicas
    return yaml.safe_dump(
        {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name}, "spec": spec}
    )


def get(lab: Lab, ns: str, name: str) -> dict:
    return json.loads(
        lab.ok("get", "deployment", name, "-n", ns, "-o", "json", "--show-managed-fields")
    )


def entries(obj: dict) -> dict[tuple[str, str], dict]:
    return {(e["manager"], e["operation"]): e for e in obj["metadata"]["managedFields"]}


def test_create_then_change(lab: Lab, ns: str) -> None:
    out = lab.ok("apply", "--server-side", "-n", ns, "-f", "-", input=deployment("ssa"))
    assert out.strip() == "deployment.apps/ssa serverside-applied"
    first = get(lab, ns, "ssa")
    apply = entries(first)[("kubectl", "Apply")]
    assert apply["apiVersion"] == "apps/v1" and apply["fieldsType"] == "FieldsV1"
    spec = apply["fieldsV1"]["f:spec"]
    assert spec["f:replicas"] == {} and spec["f:selector"] == {}
    container = spec["f:template"]["f:spec"]["f:containers"]['k:{"name":"web"}']
    assert container == {".": {}, "f:image": {}, "f:name": {}}
    # the same configuration again changes nothing, not even the entry's time
    lab.ok("apply", "--server-side", "-n", ns, "-f", "-", input=deployment("ssa"))
    again = get(lab, ns, "ssa")
    assert again["metadata"]["resourceVersion"] == first["metadata"]["resourceVersion"]
    assert again["metadata"]["managedFields"] == first["metadata"]["managedFields"]
    lab.ok("apply", "--server-side", "-n", ns, "-f", "-", input=deployment("ssa", replicas=3))
    changed = get(lab, ns, "ssa")
    assert changed["spec"]["replicas"] == 3
    assert changed["metadata"]["generation"] == 2


def test_conflict_between_managers_and_force(lab: Lab, ns: str) -> None:
    lab.ok("apply", "--server-side", "-n", ns, "-f", "-", input=deployment("two"))
    err = lab.fails(
        "apply",
        "--server-side",
        "--field-manager",
        "other",
        "-n",
        ns,
        "-f",
        "-",
        input=deployment("two", replicas=5),
    )
    assert 'error: Apply failed with 1 conflict: conflict with "kubectl": .spec.replicas' in err
    assert "--force-conflicts" in err
    # the same value is no conflict: both own it
    lab.ok(
        "apply",
        "--server-side",
        "--field-manager",
        "other",
        "-n",
        ns,
        "-f",
        "-",
        input=deployment("two", replicas=2),
    )
    shared = entries(get(lab, ns, "two"))
    assert "f:replicas" in shared[("other", "Apply")]["fieldsV1"]["f:spec"]
    assert "f:replicas" in shared[("kubectl", "Apply")]["fieldsV1"]["f:spec"]
    lab.ok(
        "apply",
        "--server-side",
        "--force-conflicts",
        "--field-manager",
        "other",
        "-n",
        ns,
        "-f",
        "-",
        input=deployment("two", replicas=5),
    )
    forced = get(lab, ns, "two")
    assert forced["spec"]["replicas"] == 5
    managers = entries(forced)
    assert "f:replicas" not in managers[("kubectl", "Apply")]["fieldsV1"]["f:spec"]
    assert "f:replicas" in managers[("other", "Apply")]["fieldsV1"]["f:spec"]


def test_conflict_with_an_update_manager_names_its_version(lab: Lab, ns: str) -> None:
    lab.ok("apply", "--server-side", "-n", ns, "-f", "-", input=deployment("scaled"))
    lab.ok("scale", "deployment/scaled", "-n", ns, "--replicas=4")
    err = lab.fails("apply", "--server-side", "-n", ns, "-f", "-", input=deployment("scaled"))
    assert 'conflict with "kubectl" with subresource "scale" using apps/v1: .spec.replicas' in err


def test_a_field_dropped_from_the_file_is_removed(lab: Lab, ns: str) -> None:
    env = [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]
    lab.ok("apply", "--server-side", "-n", ns, "-f", "-", input=deployment("drop", env=env))
    lab.ok(
        "apply",
        "--server-side",
        "-n",
        ns,
        "-f",
        "-",
        input=deployment("drop", replicas=None, env=env[:1]),
    )
    obj = get(lab, ns, "drop")
    container = obj["spec"]["template"]["spec"]["containers"][0]
    assert container["env"] == [{"name": "A", "value": "1"}]
    assert obj["spec"]["replicas"] == 1  # no longer applied: removed, then defaulted


def test_show_managed_fields(lab: Lab, ns: str) -> None:
    lab.ok("apply", "--server-side", "-n", ns, "-f", "-", input=deployment("shown"))
    plain = yaml.safe_load(lab.ok("get", "deployment", "shown", "-n", ns, "-o", "yaml"))
    assert "managedFields" not in plain["metadata"]
    text = lab.ok("get", "deployment", "shown", "-n", ns, "-o", "yaml", "--show-managed-fields")
    shown = yaml.safe_load(text)["metadata"]["managedFields"]
    assert [(e["manager"], e["operation"]) for e in shown] == [("kubectl", "Apply")]
    assert "f:replicas: {}" in text


def test_client_side_apply_then_server_side(lab: Lab, ns: str) -> None:
    lab.ok("apply", "-n", ns, "-f", "-", input=deployment("migrate"))
    csa = entries(get(lab, ns, "migrate"))
    assert ("kubectl-client-side-apply", "Update") in csa
    # the same file server-side: kubectl may take what client-side apply set
    lab.ok("apply", "--server-side", "-n", ns, "-f", "-", input=deployment("migrate", replicas=3))
    obj = get(lab, ns, "migrate")
    assert obj["spec"]["replicas"] == 3
    managers = entries(obj)
    assert ("kubectl", "Apply") in managers
    csa_fields = managers.get(("kubectl-client-side-apply", "Update"), {}).get("fieldsV1", {})
    assert "f:replicas" not in csa_fields.get("f:spec", {})
    last = json.loads(
        obj["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"]
    )
    assert last["spec"]["replicas"] == 3  # kept in step for a later client-side apply
    lab.ok("apply", "-n", ns, "-f", "-", input=deployment("migrate", replicas=3))


def test_apply_without_field_manager_is_invalid(http: httpx.Client, ns: str) -> None:
    body = deployment("nomanager")
    response = http.patch(
        f"/apis/apps/v1/namespaces/{ns}/deployments/nomanager",
        content=body,
        headers={"Content-Type": "application/apply-patch+yaml", "User-Agent": ""},
    )
    assert response.status_code == 422, response.text
    status = response.json()
    assert status["details"]["kind"] == "PatchOptions"
    assert "fieldManager: Required value" in status["message"]


def test_conflict_status_body(http: httpx.Client, ns: str) -> None:
    url = f"/apis/apps/v1/namespaces/{ns}/deployments/status-body"
    headers = {"Content-Type": "application/apply-patch+yaml"}
    created = http.patch(
        url, params={"fieldManager": "a"}, content=deployment("status-body"), headers=headers
    )
    assert created.status_code == 201, created.text
    response = http.patch(
        url,
        params={"fieldManager": "b"},
        headers=headers,
        content=deployment("status-body", replicas=7, image="nginx:2"),
    )
    assert response.status_code == 409
    status = response.json()
    assert status["reason"] == "Conflict"
    assert status["message"] == (
        'Apply failed with 2 conflicts: conflicts with "a":\n- .spec.replicas\n'
        '- .spec.template.spec.containers[name="web"].image'
    )
    assert status["details"]["causes"] == [
        {
            "reason": "FieldManagerConflict",
            "message": 'conflict with "a"',
            "field": ".spec.replicas",
        },
        {
            "reason": "FieldManagerConflict",
            "message": 'conflict with "a"',
            "field": '.spec.template.spec.containers[name="web"].image',
        },
    ]
    unchanged = http.get(url).json()
    assert unchanged["metadata"]["resourceVersion"] == created.json()["metadata"]["resourceVersion"]
