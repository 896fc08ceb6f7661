"""The official `kubernetes` Python client against the engine."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from kubernetes import client, watch
from kubernetes.client.rest import ApiException

from .conftest import Lab


@pytest.fixture(scope="module")
def api_client(lab: Lab) -> Iterator[client.ApiClient]:
    config = client.Configuration()
    config.host = lab.url
    config.ssl_ca_cert = str(lab.ca_file)
    config.api_key = {"authorization": lab.token}
    config.api_key_prefix = {"authorization": "Bearer"}
    with client.ApiClient(config) as api:
        yield api


def configmap(name: str, **data: str) -> client.V1ConfigMap:
    return client.V1ConfigMap(metadata=client.V1ObjectMeta(name=name), data=data)


def test_configmap_crud(api_client: client.ApiClient):
    core = client.CoreV1Api(api_client)
    created = core.create_namespaced_config_map("default", configmap("crud", a="1"))
    assert created.metadata.uid and created.metadata.resource_version
    got = core.read_namespaced_config_map("crud", "default")
    assert got.data == {"a": "1"}
    got.data["a"] = "2"
    replaced = core.replace_namespaced_config_map("crud", "default", got)
    assert int(replaced.metadata.resource_version) > int(created.metadata.resource_version)
    patched = core.patch_namespaced_config_map("crud", "default", {"data": {"b": "3"}})
    assert patched.data == {"a": "2", "b": "3"}
    names = [c.metadata.name for c in core.list_namespaced_config_map("default").items]
    assert "crud" in names
    status = core.delete_namespaced_config_map("crud", "default")
    assert status["status"] == "Success" and status["details"]["name"] == "crud"
    with pytest.raises(ApiException) as missing:
        core.read_namespaced_config_map("crud", "default")
    assert missing.value.status == 404


def test_stale_replace_is_409(api_client: client.ApiClient):
    core = client.CoreV1Api(api_client)
    first = core.create_namespaced_config_map("default", configmap("conflict", a="1"))
    core.patch_namespaced_config_map("conflict", "default", {"data": {"a": "2"}})
    first.data["a"] = "3"
    with pytest.raises(ApiException) as conflict:
        core.replace_namespaced_config_map("conflict", "default", first)
    assert conflict.value.status == 409
    assert "the object has been modified" in conflict.value.body


def test_deployment_with_the_apps_api(api_client: client.ApiClient):
    apps = client.AppsV1Api(api_client)
    body = client.V1Deployment(
        metadata=client.V1ObjectMeta(name="pyweb"),
        spec=client.V1DeploymentSpec(
            replicas=1,
            selector=client.V1LabelSelector(match_labels={"app": "pyweb"}),
            template=client.V1PodTemplateSpec(
                metadata=client.V1ObjectMeta(labels={"app": "pyweb"}),
                spec=client.V1PodSpec(
                    containers=[client.V1Container(name="c", image="nginx:1.25")]
                ),
            ),
        ),
    )
    created = apps.create_namespaced_deployment("default", body)
    assert created.spec.strategy.type == "RollingUpdate"
    assert created.spec.revision_history_limit == 10
    scale = apps.patch_namespaced_deployment_scale("pyweb", "default", {"spec": {"replicas": 4}})
    assert scale.spec.replicas == 4
    assert apps.read_namespaced_deployment("pyweb", "default").spec.replicas == 4


def test_list_then_watch_from_the_list_resource_version(api_client: client.ApiClient):
    core = client.CoreV1Api(api_client)
    listed = core.list_namespaced_config_map("default", label_selector="watch=me")
    rv = listed.metadata.resource_version
    core.create_namespaced_config_map(
        "default",
        client.V1ConfigMap(metadata=client.V1ObjectMeta(name="watched", labels={"watch": "me"})),
    )
    core.patch_namespaced_config_map("watched", "default", {"data": {"k": "v"}})
    core.delete_namespaced_config_map("watched", "default")
    seen = []
    stream = watch.Watch().stream(
        core.list_namespaced_config_map,
        "default",
        label_selector="watch=me",
        resource_version=rv,
        timeout_seconds=5,
    )
    for event in stream:
        seen.append((event["type"], event["object"].metadata.name))
        if len(seen) == 3:
            break
    assert seen == [("ADDED", "watched"), ("MODIFIED", "watched"), ("DELETED", "watched")]


def test_watch_from_a_compacted_resource_version_is_410(lab: Lab, api_client: client.ApiClient):
    core = client.CoreV1Api(api_client)
    old = core.list_namespaced_config_map("default").metadata.resource_version
    for i in range(3):
        core.create_namespaced_config_map("default", configmap(f"compact-{i}"))
    lab.store.compact(lab.store.revision)
    with pytest.raises(ApiException) as gone:
        core.list_namespaced_config_map(
            "default", resource_version=old, resource_version_match="Exact"
        )
    assert gone.value.status == 410
    w = watch.Watch()
    with pytest.raises(ApiException) as expired:
        for _ in w.stream(
            core.list_namespaced_config_map, "default", resource_version=old, timeout_seconds=5
        ):
            pass
    assert expired.value.status == 410
