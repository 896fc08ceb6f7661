"""Writes over HTTP: dry runs, generated names, finalizers, status, generation, no-op
patches, unconditional updates, create-on-update, namespaces, errors."""

from __future__ import annotations

import httpx

from .conftest import create_namespace

MERGE = {"Content-Type": "application/merge-patch+json"}
CM = "/api/v1/namespaces/writes/configmaps"
DEPLOYMENTS = "/apis/apps/v1/namespaces/writes/deployments"


def deployment(name: str, replicas: int = 1) -> dict:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": "c", "image": "nginx:1.25"}]},
            },
        },
    }


def test_dry_run_and_generate_name(http: httpx.Client):
    create_namespace(http, "writes")
    dry = http.post(CM, params={"dryRun": "All"}, json={"metadata": {"name": "dry"}})
    assert dry.status_code == 201 and dry.json()["metadata"]["uid"]
    assert http.get(f"{CM}/dry").status_code == 404
    generated = http.post(CM, json={"metadata": {"generateName": "gen-"}}).json()
    name = generated["metadata"]["name"]
    assert name.startswith("gen-") and len(name) == 9
    assert http.get(f"{CM}/{name}").status_code == 200


def test_finalizers_hold_a_deleted_object_until_removed(http: httpx.Client):
    http.post(CM, json={"metadata": {"name": "held", "finalizers": ["example.com/keep"]}})
    deleted = http.delete(f"{CM}/held")
    assert deleted.status_code == 200
    assert deleted.json()["metadata"]["deletionTimestamp"]
    assert http.get(f"{CM}/held").json()["metadata"]["deletionTimestamp"]
    http.patch(f"{CM}/held", content=b'{"metadata":{"finalizers":null}}', headers=MERGE)
    assert http.get(f"{CM}/held").status_code == 404


def test_delete_preconditions_and_status_answers(http: httpx.Client):
    uid = http.post(CM, json={"metadata": {"name": "precond"}}).json()["metadata"]["uid"]
    wrong = http.request("DELETE", f"{CM}/precond", json={"preconditions": {"uid": "other"}})
    assert wrong.status_code == 409
    assert "Precondition failed: UID in precondition: other" in wrong.json()["message"]
    done = http.request("DELETE", f"{CM}/precond", json={"preconditions": {"uid": uid}})
    assert done.json()["kind"] == "Status" and done.json()["details"]["uid"] == uid


def test_status_and_spec_are_written_separately(http: httpx.Client):
    created = http.post(DEPLOYMENTS, json=deployment("split")).json()
    assert created["metadata"]["generation"] == 1
    assert "status" not in created or created["status"] == {}
    with_status = dict(created, status={"replicas": 7})
    put = http.put(f"{DEPLOYMENTS}/split", json=with_status).json()
    assert put.get("status", {}).get("replicas") is None  # main resource ignores status
    assert put["metadata"]["generation"] == 1  # and nothing in spec changed
    put["status"] = {"replicas": 7}
    put["spec"]["replicas"] = 9
    status = http.put(f"{DEPLOYMENTS}/split/status", json=put).json()
    assert status["status"]["replicas"] == 7 and status["spec"]["replicas"] == 1
    assert status["metadata"]["generation"] == 1
    spec = http.patch(
        f"{DEPLOYMENTS}/split", content=b'{"spec":{"replicas":2}}', headers=MERGE
    ).json()
    assert spec["metadata"]["generation"] == 2 and spec["status"]["replicas"] == 7
    labels = http.patch(
        f"{DEPLOYMENTS}/split", content=b'{"metadata":{"labels":{"x":"y"}}}', headers=MERGE
    ).json()
    assert labels["metadata"]["generation"] == 2


def test_noop_patch_keeps_the_resource_version(http: httpx.Client):
    created = http.post(CM, json={"metadata": {"name": "noop"}, "data": {"a": "1"}}).json()
    same = http.patch(f"{CM}/noop", content=b'{"data":{"a":"1"}}', headers=MERGE).json()
    assert same["metadata"]["resourceVersion"] == created["metadata"]["resourceVersion"]


def test_put_without_resource_version_is_unconditional(http: httpx.Client):
    http.post(CM, json={"metadata": {"name": "blind"}, "data": {"a": "1"}})
    http.patch(f"{CM}/blind", content=b'{"data":{"a":"2"}}', headers=MERGE)
    put = http.put(f"{CM}/blind", json={"metadata": {"name": "blind"}, "data": {"a": "3"}})
    assert put.status_code == 200 and put.json()["data"] == {"a": "3"}
    mismatch = http.put(f"{CM}/blind", json={"metadata": {"name": "other"}, "data": {}})
    assert mismatch.status_code == 400


def test_create_on_update_only_where_upstream_allows_it(http: httpx.Client):
    endpoints = http.put(
        "/api/v1/namespaces/writes/endpoints/made", json={"metadata": {"name": "made"}}
    )
    assert endpoints.status_code == 201
    configmap = http.put(f"{CM}/not-made", json={"metadata": {"name": "not-made"}})
    assert configmap.status_code == 404


def test_namespace_lifecycle(http: httpx.Client):
    missing = http.post("/api/v1/namespaces/nope/configmaps", json={"metadata": {"name": "x"}})
    assert missing.status_code == 404 and missing.json()["message"] == 'namespaces "nope" not found'
    create_namespace(http, "ending")
    ending = http.delete("/api/v1/namespaces/ending").json()
    assert ending["status"]["phase"] == "Terminating"
    refused = http.post("/api/v1/namespaces/ending/configmaps", json={"metadata": {"name": "late"}})
    assert refused.status_code == 403
    assert refused.json()["message"] == (
        'configmaps "late" is forbidden: unable to create new content in namespace ending '
        "because it is being terminated"
    )
    finalized = http.put(
        "/api/v1/namespaces/ending/finalize",
        json={"metadata": {"name": "ending"}, "spec": {"finalizers": []}},
    )
    assert finalized.status_code == 200
    assert http.get("/api/v1/namespaces/ending").status_code == 404
    assert http.delete("/api/v1/namespaces/default").status_code == 403


def test_bad_bodies(http: httpx.Client):
    assert (
        http.post(
            CM, content=b"{not json", headers={"Content-Type": "application/json"}
        ).status_code
        == 400
    )
    assert http.post(CM, content=b"x", headers={"Content-Type": "text/csv"}).status_code == 415
    yaml_body = b"metadata:\n  name: from-yaml\ndata:\n  a: b\n"
    created = http.post(CM, content=yaml_body, headers={"Content-Type": "application/yaml"})
    assert created.status_code == 201 and created.json()["data"] == {"a": "b"}
    wrong_kind = http.post(
        CM, json={"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}}
    )
    assert wrong_kind.status_code == 400
    invalid = http.post(CM, json={"metadata": {"name": "Bad_Name"}})
    assert invalid.status_code == 422
    cause = invalid.json()["details"]["causes"][0]
    assert cause["field"] == "metadata.name" and cause["reason"] == "FieldValueInvalid"


def test_scale_subresource(http: httpx.Client):
    http.post(DEPLOYMENTS, json=deployment("scaled"))
    scale = http.get(f"{DEPLOYMENTS}/scaled/scale").json()
    assert scale["kind"] == "Scale" and scale["apiVersion"] == "autoscaling/v1"
    assert scale["spec"]["replicas"] == 1 and scale["status"]["selector"] == "app=scaled"
    scale["spec"]["replicas"] = 5
    assert http.put(f"{DEPLOYMENTS}/scaled/scale", json=scale).json()["spec"]["replicas"] == 5
    negative = http.patch(
        f"{DEPLOYMENTS}/scaled/scale", content=b'{"spec":{"replicas":-1}}', headers=MERGE
    )
    assert negative.status_code == 422
    assert http.get(f"{DEPLOYMENTS}/scaled").json()["spec"]["replicas"] == 5
