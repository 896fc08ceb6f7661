"""The /openapi/v3 index and group-version documents, as kubectl reads them."""

from __future__ import annotations

import re
from typing import Any

import orjson

from engine.api.openapi import (
    OpenAPIV3,
    ResourceSpec,
    custom_resource_schemas,
    document_hash,
    group_version_document,
    index_document,
    specs_from_api_resources,
)

from .conftest import SERVED

PATCH_TYPES = {
    "application/json-patch+json",
    "application/merge-patch+json",
    "application/strategic-merge-patch+json",
    "application/apply-patch+yaml",
}
DEPLOYMENTS = "/apis/apps/v1/namespaces/{namespace}/deployments"
DEPLOYMENT = "io.k8s.api.apps.v1.Deployment"


def apps_v1() -> dict[str, Any]:
    return group_version_document("apps", "v1", SERVED[("apps", "v1")])


def param_names(operation: dict[str, Any]) -> set[str]:
    return {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}


def all_refs(node: Any) -> set[str]:
    text = orjson.dumps(node).decode()
    return set(re.findall(r'"\$ref":"#/components/schemas/([^"]+)"', text))


def test_index_lists_every_group_version_with_its_hash(service: OpenAPIV3) -> None:
    index = orjson.loads(service.index().body)
    assert set(index["paths"]) == {
        "api/v1",
        "apis/apps/v1",
        "apis/batch/v1",
        "apis/authorization.k8s.io/v1",
    }
    for key, entry in index["paths"].items():
        rendered = service.document(key)
        assert rendered is not None
        assert entry["serverRelativeURL"] == f"/openapi/v3/{key}?hash={rendered.etag}"
        assert re.fullmatch(r"[0-9A-F]{128}", rendered.etag)  # SHA-512, uppercase hex
        assert rendered.etag == document_hash(rendered.body)


def test_index_document_shape() -> None:
    index = index_document(["apis/apps/v1", "api/v1"], lambda gv: "AB" if gv == "api/v1" else "CD")
    assert index == {
        "paths": {
            "api/v1": {"serverRelativeURL": "/openapi/v3/api/v1?hash=AB"},
            "apis/apps/v1": {"serverRelativeURL": "/openapi/v3/apis/apps/v1?hash=CD"},
        }
    }


def test_deployment_schema_carries_its_group_version_kind() -> None:
    doc = apps_v1()
    assert doc["openapi"] == "3.0.0"
    assert doc["info"]["title"] == "Kubernetes"
    schema = doc["components"]["schemas"][DEPLOYMENT]
    assert schema["x-kubernetes-group-version-kind"] == [
        {"group": "apps", "kind": "Deployment", "version": "v1"}
    ]
    assert schema["description"].startswith("Deployment enables declarative updates")


def test_post_and_patch_list_field_validation() -> None:
    # kubectl's QueryParamVerifierV3 looks for this on the PATCH operation of the kind.
    paths = apps_v1()["paths"]
    post = paths[DEPLOYMENTS]["post"]
    assert {"fieldValidation", "dryRun", "fieldManager"} <= param_names(post)
    assert post["x-kubernetes-action"] == "post"
    assert post["x-kubernetes-group-version-kind"] == {
        "group": "apps",
        "kind": "Deployment",
        "version": "v1",
    }
    patch = paths[DEPLOYMENTS + "/{name}"]["patch"]
    assert {"fieldValidation", "dryRun", "fieldManager", "force"} <= param_names(patch)
    assert patch["x-kubernetes-action"] == "patch"
    assert set(patch["requestBody"]["content"]) == PATCH_TYPES
    put = paths[DEPLOYMENTS + "/{name}"]["put"]
    assert "fieldValidation" in param_names(put)


def test_every_verb_has_its_operation() -> None:
    paths = apps_v1()["paths"]
    actions = {
        (path, op["x-kubernetes-action"])
        for path, item in paths.items()
        for method, op in item.items()
        if method != "parameters" and "x-kubernetes-action" in op
    }
    assert (DEPLOYMENTS, "list") in actions
    assert (DEPLOYMENTS, "deletecollection") in actions
    assert (DEPLOYMENTS + "/{name}", "get") in actions
    assert (DEPLOYMENTS + "/{name}", "put") in actions
    assert (DEPLOYMENTS + "/{name}", "delete") in actions
    assert ("/apis/apps/v1/watch/namespaces/{namespace}/deployments", "watchlist") in actions
    assert ("/apis/apps/v1/watch/namespaces/{namespace}/deployments/{name}", "watch") in actions
    assert ("/apis/apps/v1/deployments", "list") in actions
    assert (DEPLOYMENTS + "/{name}/status", "patch") in actions
    assert "watch" in param_names(paths[DEPLOYMENTS]["get"])
    assert paths[DEPLOYMENTS]["get"]["operationId"] == "listAppsV1NamespacedDeployment"


def test_scale_subresource_is_an_autoscaling_scale() -> None:
    doc = apps_v1()
    patch = doc["paths"][DEPLOYMENTS + "/{name}/scale"]["patch"]
    assert patch["x-kubernetes-group-version-kind"]["kind"] == "Scale"
    assert "io.k8s.api.autoscaling.v1.Scale" in doc["components"]["schemas"]


def test_components_hold_exactly_the_closure_of_the_paths() -> None:
    doc = apps_v1()
    schemas = doc["components"]["schemas"]
    referenced = all_refs(doc["paths"])
    for schema in schemas.values():
        referenced |= all_refs(schema)
    assert referenced == set(schemas)  # nothing dangling, nothing unused
    assert "io.k8s.api.core.v1.Container" in schemas
    assert "io.k8s.api.batch.v1.Job" not in schemas


def test_pod_containers_refer_to_container_with_its_description() -> None:
    doc = group_version_document("", "v1", SERVED[("", "v1")])
    schemas = doc["components"]["schemas"]
    pod_spec_ref = schemas["io.k8s.api.core.v1.Pod"]["properties"]["spec"]["allOf"][0]["$ref"]
    assert pod_spec_ref == "#/components/schemas/io.k8s.api.core.v1.PodSpec"
    containers = schemas["io.k8s.api.core.v1.PodSpec"]["properties"]["containers"]
    assert containers["items"] == {"$ref": "#/components/schemas/io.k8s.api.core.v1.Container"}
    assert containers["x-kubernetes-patch-merge-key"] == "name"
    assert containers["x-kubernetes-patch-strategy"] == "merge"
    assert containers["x-kubernetes-list-type"] == "map"
    assert containers["x-kubernetes-list-map-keys"] == ["name"]
    container = schemas["io.k8s.api.core.v1.Container"]
    assert container["description"] == (
        "A single application container that you want to run within a pod."
    )
    assert container["properties"]["image"]["type"] == "string"


def test_core_subresources() -> None:
    paths = group_version_document("", "v1", SERVED[("", "v1")])["paths"]
    pod = "/api/v1/namespaces/{namespace}/pods/{name}"
    assert paths[pod + "/binding"]["post"]["x-kubernetes-group-version-kind"]["kind"] == "Binding"
    assert paths[pod + "/eviction"]["post"]["x-kubernetes-group-version-kind"] == {
        "group": "policy",
        "kind": "Eviction",
        "version": "v1",
    }
    log_params = {p["name"] for p in paths[pod + "/log"]["parameters"]}
    assert {"container", "follow", "tailLines"} <= log_params
    assert paths[pod + "/exec"]["get"]["x-kubernetes-action"] == "connect"
    assert set(paths["/api/v1/namespaces/{name}/finalize"]) == {"parameters", "put"}
    # Binding is create-only: a collection POST and nothing else.
    assert set(paths["/api/v1/namespaces/{namespace}/bindings"]) == {"parameters", "post"}
    assert "/api/v1/namespaces/{namespace}/bindings/{name}" not in paths
    # Cluster-scoped kinds have no namespace parameter.
    node_params = {p["name"] for p in paths["/api/v1/nodes/{name}"]["parameters"]}
    assert node_params == {"name", "pretty"}
    assert paths["/api/v1/nodes"]["get"]["operationId"] == "listCoreV1Node"


def test_documents_are_deterministic(service: OpenAPIV3) -> None:
    other = OpenAPIV3(server_version="v1.32.4")
    for (group, version), resources in reversed(list(SERVED.items())):
        other.set_group_version(group, version, list(reversed(resources)))
    assert other.index().body == service.index().body
    assert other.document("api/v1") == service.document("api/v1")


def test_changing_a_group_version_changes_its_hash_and_the_index(service: OpenAPIV3) -> None:
    before_index = service.index()
    before = service.document("apis/batch/v1")
    assert before is not None
    service.set_group_version(
        "batch", "v1", [*SERVED[("batch", "v1")], ResourceSpec("cronjobs", "CronJob", True)]
    )
    after = service.document("apis/batch/v1")
    assert after is not None and after.etag != before.etag
    assert service.index().body != before_index.body
    assert service.document("apis/apps/v1") is not None
    service.remove_group_version("batch", "v1")
    assert service.document("apis/batch/v1") is None
    assert "apis/batch/v1" not in orjson.loads(service.index().body)["paths"]


def test_custom_resources_get_their_schema_with_object_meta() -> None:
    crd_schema = {
        "type": "object",
        "properties": {"spec": {"type": "object", "properties": {"cronSpec": {"type": "string"}}}},
    }
    extra = custom_resource_schemas("stable.example.com", "v1", "CronTab", crd_schema)
    doc = group_version_document(
        "stable.example.com", "v1", [ResourceSpec("crontabs", "CronTab", True)], extra
    )
    schemas = doc["components"]["schemas"]
    cron_tab = schemas["com.example.stable.v1.CronTab"]
    assert cron_tab["x-kubernetes-group-version-kind"] == [
        {"group": "stable.example.com", "kind": "CronTab", "version": "v1"}
    ]
    assert "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta" in schemas
    assert "com.example.stable.v1.CronTabList" in schemas
    patch = doc["paths"]["/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}"]
    assert "fieldValidation" in param_names(patch["patch"])
    assert "apiVersion" not in crd_schema["properties"]  # the input is left alone


def test_a_kind_without_schema_is_described_as_free_form() -> None:
    doc = group_version_document("example.com", "v1", [ResourceSpec("things", "Thing", False)])
    thing = doc["components"]["schemas"]["com.example.v1.Thing"]
    assert thing["x-kubernetes-preserve-unknown-fields"] is True
    assert "/apis/example.com/v1/things/{name}" in doc["paths"]


def test_specs_from_discovery_resources() -> None:
    specs = specs_from_api_resources(
        [
            {"name": "pods", "kind": "Pod", "namespaced": True, "verbs": ["get", "list"]},
            {"name": "pods/status", "kind": "Pod", "namespaced": True, "verbs": ["get"]},
            {"name": "pods/log", "kind": "Pod", "namespaced": True, "verbs": ["get"]},
        ]
    )
    assert specs == [ResourceSpec("pods", "Pod", True, ("get", "list"), ("status", "log"))]
