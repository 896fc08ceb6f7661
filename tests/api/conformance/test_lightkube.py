"""A second client library, lightkube (httpx-based, its own models and decoders), over TLS:
CRUD, list + watch from the list's resourceVersion, and 410 Gone after compaction."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

lightkube = pytest.importorskip("lightkube")

from lightkube import Client, KubeConfig  # noqa: E402
from lightkube.core.exceptions import ApiError  # noqa: E402
from lightkube.models.apps_v1 import DeploymentSpec  # noqa: E402
from lightkube.models.core_v1 import Container, PodSpec, PodTemplateSpec  # noqa: E402
from lightkube.models.meta_v1 import LabelSelector, ObjectMeta  # noqa: E402
from lightkube.resources.apps_v1 import Deployment  # noqa: E402
from lightkube.resources.core_v1 import ConfigMap, Namespace  # noqa: E402
from lightkube.types import PatchType  # noqa: E402

from ..rest.conftest import Lab, start_lab, stop_lab  # noqa: E402

NS = "lightkube"


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    instance = start_lab(tmp_path_factory.mktemp("lightkube"))
    yield instance
    stop_lab(instance)


@pytest.fixture(scope="module")
def kube(lab: Lab) -> Iterator[Client]:
    client = Client(KubeConfig.from_file(Path(lab.kubeconfig)), timeout=20)
    client.create(Namespace(metadata=ObjectMeta(name=NS)))
    yield client


def configmap(name: str, **data: str) -> ConfigMap:
    return ConfigMap(metadata=ObjectMeta(name=name, labels={"suite": "lightkube"}), data=data)


def test_configmap_crud(kube: Client):
    created = kube.create(configmap("crud", a="1"), namespace=NS)
    assert created.metadata.uid and created.metadata.resourceVersion.isdigit()
    got = kube.get(ConfigMap, "crud", namespace=NS)
    assert got.data == {"a": "1"} and got.metadata.uid == created.metadata.uid
    got.data["b"] = "2"
    replaced = kube.replace(got)
    assert replaced.data == {"a": "1", "b": "2"}
    merged = kube.patch(
        ConfigMap, "crud", {"data": {"c": "3"}}, namespace=NS, patch_type=PatchType.MERGE
    )
    assert merged.data == {"a": "1", "b": "2", "c": "3"}
    json_patched = kube.patch(
        ConfigMap,
        "crud",
        [{"op": "remove", "path": "/data/a"}],
        namespace=NS,
        patch_type=PatchType.JSON,
    )
    assert json_patched.data == {"b": "2", "c": "3"}
    names = [
        cm.metadata.name for cm in kube.list(ConfigMap, namespace=NS, labels={"suite": "lightkube"})
    ]
    assert "crud" in names
    kube.delete(ConfigMap, "crud", namespace=NS)
    with pytest.raises(ApiError) as missing:
        kube.get(ConfigMap, "crud", namespace=NS)
    assert missing.value.status.code == 404 and missing.value.status.reason == "NotFound"
    assert missing.value.status.message == 'configmaps "crud" not found'


def test_errors_are_statuses(kube: Client):
    kube.create(configmap("twice"), namespace=NS)
    with pytest.raises(ApiError) as exists:
        kube.create(configmap("twice"), namespace=NS)
    assert exists.value.status.code == 409 and exists.value.status.reason == "AlreadyExists"
    stale = kube.get(ConfigMap, "twice", namespace=NS)
    kube.patch(ConfigMap, "twice", {"data": {"x": "1"}}, namespace=NS, patch_type=PatchType.MERGE)
    with pytest.raises(ApiError) as conflict:
        kube.replace(stale)
    assert conflict.value.status.code == 409 and conflict.value.status.reason == "Conflict"
    with pytest.raises(ApiError) as invalid:
        kube.create(configmap("Not_Valid"), namespace=NS)
    assert invalid.value.status.code == 422 and invalid.value.status.reason == "Invalid"
    assert invalid.value.status.details.causes[0].field == "metadata.name"


def test_deployment_strategic_patch_and_server_side_apply(kube: Client):
    deployment = Deployment(
        metadata=ObjectMeta(name="web"),
        spec=DeploymentSpec(
            replicas=1,
            selector=LabelSelector(matchLabels={"app": "web"}),
            template=PodTemplateSpec(
                metadata=ObjectMeta(labels={"app": "web"}),
                spec=PodSpec(containers=[Container(name="web", image="nginx:1.25")]),
            ),
        ),
    )
    created = kube.create(deployment, namespace=NS)
    assert created.metadata.generation == 1
    patched = kube.patch(
        Deployment,
        "web",
        {"spec": {"template": {"spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]}}}},
        namespace=NS,
    )
    assert [c.image for c in patched.spec.template.spec.containers] == ["nginx:1.27"]
    assert patched.metadata.generation == 2
    applied = kube.apply(
        Deployment(
            apiVersion="apps/v1",
            kind="Deployment",
            metadata=ObjectMeta(name="web", namespace=NS),
            spec=DeploymentSpec(
                replicas=3,
                selector=LabelSelector(matchLabels={"app": "web"}),
                template=PodTemplateSpec(
                    metadata=ObjectMeta(labels={"app": "web"}),
                    spec=PodSpec(containers=[Container(name="web", image="nginx:1.27")]),
                ),
            ),
        ),
        field_manager="lightkube-test",
        force=True,
    )
    assert applied.spec.replicas == 3
    assert "lightkube-test" in [m.manager for m in applied.metadata.managedFields]
    scale = kube.get(Deployment.Scale, "web", namespace=NS)
    assert scale.spec.replicas == 3


def test_list_then_watch_from_the_list_resource_version(kube: Client):
    listing = kube.list(ConfigMap, namespace=NS, labels={"watch": "me"})
    assert list(listing) == []
    rv = listing.resourceVersion
    kube.create(
        ConfigMap(metadata=ObjectMeta(name="watched", labels={"watch": "me"})), namespace=NS
    )
    kube.patch(ConfigMap, "watched", {"data": {"k": "v"}}, namespace=NS, patch_type=PatchType.MERGE)
    kube.delete(ConfigMap, "watched", namespace=NS)
    seen: list[tuple[str, str, dict | None]] = []
    for event, obj in kube.watch(
        ConfigMap, namespace=NS, labels={"watch": "me"}, resource_version=rv, server_timeout=5
    ):
        seen.append((event, obj.metadata.name, obj.data))
        if len(seen) == 3:
            break
    assert seen == [
        ("ADDED", "watched", None),
        ("MODIFIED", "watched", {"k": "v"}),
        ("DELETED", "watched", {"k": "v"}),
    ]


def test_watch_and_list_from_a_compacted_resource_version_are_410(lab: Lab, kube: Client):
    listing = kube.list(ConfigMap, namespace=NS)
    list(listing)
    old = listing.resourceVersion
    for i in range(3):
        kube.create(configmap(f"compact-{i}"), namespace=NS)
    lab.store.compact(lab.store.revision)
    with pytest.raises(ApiError) as gone:
        for _ in kube.watch(ConfigMap, namespace=NS, resource_version=old, server_timeout=5):
            pass
    assert gone.value.status.code == 410 and gone.value.status.reason == "Expired"
    assert gone.value.status.message.startswith(f"too old resource version: {old} (")
