"""Discovery, lists (pages, resourceVersion semantics, selectors) over HTTP."""

from __future__ import annotations

import base64
import json

import httpx

from engine.api.storage import reads

from .conftest import Lab, create_namespace

AGGREGATED = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json"


def test_aggregated_discovery_of_core_and_groups(http: httpx.Client):
    core = http.get("/api", headers={"Accept": AGGREGATED})
    assert (
        core.headers["content-type"]
        == "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
    )
    versions = core.json()["items"][0]["versions"]
    pods = next(r for r in versions[0]["resources"] if r["resource"] == "pods")
    assert pods["shortNames"] == ["po"] and pods["categories"] == ["all"]
    assert pods["scope"] == "Namespaced" and pods["responseKind"]["kind"] == "Pod"
    subresources = {s["subresource"]: s for s in pods["subresources"]}
    assert subresources["eviction"]["responseKind"] == {
        "group": "policy",
        "version": "v1",
        "kind": "Eviction",
    }
    groups = http.get("/apis/", headers={"Accept": AGGREGATED}).json()["items"]
    names = [g["metadata"]["name"] for g in groups]
    assert names[:2] == ["apps", "events.k8s.io"]
    assert "apiextensions.k8s.io" in names and "" not in names


def test_legacy_discovery(http: httpx.Client):
    assert http.get("/api").json()["versions"] == ["v1"]
    group_list = http.get("/apis").json()
    assert group_list["kind"] == "APIGroupList"
    apps = next(g for g in group_list["groups"] if g["name"] == "apps")
    assert apps["preferredVersion"] == {"groupVersion": "apps/v1", "version": "v1"}
    resources = {r["name"]: r for r in http.get("/apis/apps/v1/").json()["resources"]}
    assert resources["deployments"]["shortNames"] == ["deploy"]
    assert resources["deployments/scale"]["group"] == "autoscaling"
    assert resources["deployments/scale"]["kind"] == "Scale"
    assert http.get("/apis/apps").json()["name"] == "apps"
    assert http.get("/apis/nope.example.com/v1").status_code == 404


def test_paginated_list_is_a_consistent_snapshot(http: httpx.Client):
    create_namespace(http, "paging")
    for i in range(5):
        assert (
            http.post(
                "/api/v1/namespaces/paging/configmaps", json={"metadata": {"name": f"cm-{i}"}}
            ).status_code
            == 201
        )
    first = http.get("/api/v1/namespaces/paging/configmaps", params={"limit": 2}).json()
    token = first["metadata"]["continue"]
    # As kube-apiserver: how many are left, so a client can count a kind with limit=1.
    assert first["metadata"]["remainingItemCount"] == 3
    one = http.get("/api/v1/namespaces/paging/configmaps", params={"limit": 1}).json()
    assert one["metadata"]["remainingItemCount"] == 4
    selected = http.get(
        "/api/v1/namespaces/paging/configmaps",
        params={"limit": 1, "fieldSelector": "metadata.namespace=paging"},
    ).json()
    assert "remainingItemCount" not in selected["metadata"]  # unknown when filtered
    decoded = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    assert decoded == {
        "v": "meta.k8s.io/v1",
        "rv": int(first["metadata"]["resourceVersion"]),
        "start": "cm-1\x00",
    }
    http.post("/api/v1/namespaces/paging/configmaps", json={"metadata": {"name": "cm-9"}})
    http.delete("/api/v1/namespaces/paging/configmaps/cm-4")
    names = [i["metadata"]["name"] for i in first["items"]]
    while token:
        page = http.get(
            "/api/v1/namespaces/paging/configmaps", params={"limit": 2, "continue": token}
        ).json()
        assert page["metadata"]["resourceVersion"] == first["metadata"]["resourceVersion"]
        names += [i["metadata"]["name"] for i in page["items"]]
        token = page["metadata"].get("continue")
    assert names == ["cm-0", "cm-1", "cm-2", "cm-3", "cm-4"]


def test_long_lists_stream_chunked_short_ones_have_a_length(http: httpx.Client):
    """Long lists go out in pieces as they are built (chunked, as kube-apiserver sends
    large answers); the answer is one JSON document, items identical to what GET says."""
    create_namespace(http, "big-list")
    path = "/api/v1/namespaces/big-list/configmaps"
    for i in range(100):
        body = {"metadata": {"name": f"cm-{i:03d}"}, "data": {"k": f"{i}" * 20_000}}
        assert http.post(path, json=body).status_code == 201
    response = http.get(path)
    assert response.status_code == 200
    assert response.headers["transfer-encoding"] == "chunked"
    assert "content-length" not in response.headers
    listed = response.json()
    assert listed["kind"] == "ConfigMapList"
    assert [i["metadata"]["name"] for i in listed["items"]] == [f"cm-{i:03d}" for i in range(100)]
    assert listed["items"][77] == {
        **http.get(f"{path}/cm-077").json(),
        "apiVersion": "v1",
        "kind": "ConfigMap",
    }
    short = http.get(path, params={"limit": 3})
    assert int(short.headers["content-length"]) == len(short.content)
    assert len(short.json()["items"]) == 3


def test_resource_version_semantics(http: httpx.Client, lab: Lab, monkeypatch):
    monkeypatch.setattr(reads, "RV_WAIT_SECONDS", 0.2)
    create_namespace(http, "versions")
    created = http.post(
        "/api/v1/namespaces/versions/configmaps",
        json={"metadata": {"name": "v"}, "data": {"a": "1"}},
    ).json()
    rv = created["metadata"]["resourceVersion"]
    http.patch(
        "/api/v1/namespaces/versions/configmaps/v",
        content=b'{"data":{"a":"2"}}',
        headers={"Content-Type": "application/merge-patch+json"},
    )
    exact = http.get(
        "/api/v1/namespaces/versions/configmaps",
        params={"resourceVersion": rv, "resourceVersionMatch": "Exact"},
    ).json()
    assert exact["metadata"]["resourceVersion"] == rv
    assert exact["items"][0]["data"] == {"a": "1"}
    newer = http.get(
        "/api/v1/namespaces/versions/configmaps", params={"resourceVersion": rv}
    ).json()
    assert newer["items"][0]["data"] == {"a": "2"}
    bad = http.get(
        "/api/v1/namespaces/versions/configmaps", params={"resourceVersionMatch": "Exact"}
    )
    assert bad.status_code == 400
    both = http.get(
        "/api/v1/namespaces/versions/configmaps", params={"continue": "x", "resourceVersion": "5"}
    )
    assert both.status_code == 400
    future = http.get(
        "/api/v1/namespaces/versions/configmaps",
        params={"resourceVersion": str(lab.store.revision + 1000)},
    )
    assert future.status_code == 504 and future.json()["reason"] == "Timeout"


def test_compacted_continue_token_is_410(http: httpx.Client, lab: Lab):
    create_namespace(http, "expiring")
    for i in range(3):
        http.post("/api/v1/namespaces/expiring/configmaps", json={"metadata": {"name": f"e-{i}"}})
    first = http.get("/api/v1/namespaces/expiring/configmaps", params={"limit": 1}).json()
    http.post("/api/v1/namespaces/expiring/configmaps", json={"metadata": {"name": "e-9"}})
    lab.store.compact(lab.store.revision)
    gone = http.get(
        "/api/v1/namespaces/expiring/configmaps",
        params={"limit": 1, "continue": first["metadata"]["continue"]},
    )
    assert gone.status_code == 410
    assert gone.json()["reason"] == "Expired"
    assert gone.json()["message"].startswith("The provided continue parameter is too old")


def test_selectors(http: httpx.Client):
    create_namespace(http, "selectors")
    for name, labels in (("a", {"tier": "web"}), ("b", {"tier": "db"}), ("c", {})):
        http.post(
            "/api/v1/namespaces/selectors/configmaps",
            json={"metadata": {"name": name, "labels": labels}},
        )

    def names(**params: str) -> list[str]:
        response = http.get("/api/v1/namespaces/selectors/configmaps", params=params)
        assert response.status_code == 200, response.text
        return [i["metadata"]["name"] for i in response.json()["items"]]

    assert names(labelSelector="tier=web") == ["a"]
    assert names(labelSelector="tier in (web,db)") == ["a", "b"]
    assert names(labelSelector="!tier") == ["c"]
    assert names(fieldSelector="metadata.name=b") == ["b"]
    assert names(fieldSelector="metadata.name!=b") == ["a", "c"]
    assert names(labelSelector="tier", limit="1") == ["a"]
    all_ns = http.get(
        "/api/v1/configmaps", params={"fieldSelector": "metadata.namespace=selectors"}
    ).json()
    assert len(all_ns["items"]) == 3
    bad = http.get(
        "/api/v1/namespaces/selectors/configmaps", params={"fieldSelector": "spec.nope=1"}
    )
    assert bad.status_code == 400 and bad.json()["reason"] == "BadRequest"


def test_table_and_metadata_representations(http: httpx.Client):
    table = http.get(
        "/api/v1/namespaces", headers={"Accept": "application/json;as=Table;v=v1;g=meta.k8s.io"}
    )
    assert table.headers["content-type"] == "application/json;as=Table;v=v1;g=meta.k8s.io"
    body = table.json()
    assert [c["name"] for c in body["columnDefinitions"]] == ["Name", "Status", "Age"]
    assert body["rows"][0]["object"]["kind"] == "PartialObjectMetadata"
    partial = http.get(
        "/api/v1/namespaces/default",
        headers={"Accept": "application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io"},
    ).json()
    assert partial["kind"] == "PartialObjectMetadata" and partial["metadata"]["name"] == "default"
    yaml_answer = http.get("/api/v1/namespaces/default", headers={"Accept": "application/yaml"})
    assert yaml_answer.headers["content-type"] == "application/yaml"
    assert "name: default" in yaml_answer.text
    protobuf = http.get(
        "/api/v1/namespaces/default",
        headers={"Accept": "application/vnd.kubernetes.protobuf,application/json"},
    )
    assert protobuf.json()["metadata"]["name"] == "default"


def test_the_kubernetes_service_and_endpoints(http: httpx.Client, lab: Lab):
    service = http.get("/api/v1/namespaces/default/services/kubernetes").json()
    assert service["spec"]["clusterIP"] == "10.96.0.1"
    assert service["spec"]["ports"][0]["port"] == 443
    endpoints = http.get("/api/v1/namespaces/default/endpoints/kubernetes").json()
    subset = endpoints["subsets"][0]
    assert subset["addresses"] == [{"ip": "127.0.0.1"}]
    assert subset["ports"][0]["port"] == lab.server.port
