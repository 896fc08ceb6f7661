"""Every verb against the engine over TLS, and the typed errors it answers."""

from __future__ import annotations

import asyncio

import pytest

from ktui.client import (
    AlreadyExists,
    Client,
    Conflict,
    Invalid,
    NotFound,
    ResourceClient,
    UnknownResource,
)

from .conftest import configmap


async def test_create_get_and_not_found(configmaps: ResourceClient, namespace: str) -> None:
    created = await configmaps.create(configmap("a", k="v"))
    assert created["metadata"]["namespace"] == namespace
    assert created["metadata"]["resourceVersion"]
    fetched = await configmaps.get("a")
    assert fetched["data"] == {"k": "v"}
    with pytest.raises(NotFound) as caught:
        await configmaps.get("missing")
    assert caught.value.code == 404
    assert 'configmaps "missing" not found' in str(caught.value)
    assert caught.value.details["name"] == "missing"


async def test_create_twice_is_already_exists(configmaps: ResourceClient) -> None:
    await configmaps.create(configmap("dup"))
    with pytest.raises(AlreadyExists) as caught:
        await configmaps.create(configmap("dup"))
    assert caught.value.code == 409
    assert "already exists" in caught.value.message


async def test_replace_with_a_stale_version_is_a_conflict(configmaps: ResourceClient) -> None:
    first = await configmaps.create(configmap("r", k="1"))
    first["data"] = {"k": "2"}
    second = await configmaps.replace(first)
    assert second["data"] == {"k": "2"}
    assert second["metadata"]["resourceVersion"] != first["metadata"]["resourceVersion"]
    first["data"] = {"k": "3"}  # still carries the old resourceVersion
    with pytest.raises(Conflict):
        await configmaps.replace(first)


async def test_invalid_object_carries_causes(configmaps: ResourceClient) -> None:
    with pytest.raises(Invalid) as caught:
        await configmaps.create(configmap("Not_A_Valid_Name"))
    assert caught.value.code == 422
    assert caught.value.causes


async def test_patch_types(configmaps: ResourceClient) -> None:
    await configmaps.create(configmap("p", a="1"))
    merged = await configmaps.patch("p", {"data": {"b": "2"}}, type="merge")
    assert merged["data"] == {"a": "1", "b": "2"}
    jsonp = await configmaps.patch("p", [{"op": "remove", "path": "/data/a"}], type="json")
    assert jsonp["data"] == {"b": "2"}
    strategic = await configmaps.patch("p", {"metadata": {"labels": {"x": "y"}}}, type="strategic")
    assert strategic["metadata"]["labels"] == {"x": "y"}


async def test_server_side_apply_creates_then_updates(configmaps: ResourceClient) -> None:
    created = await configmaps.apply(configmap("ssa", a="1"))
    assert created["data"] == {"a": "1"}
    managers = {m["manager"] for m in created["metadata"].get("managedFields", [])}
    assert "ktui" in managers
    updated = await configmaps.apply(configmap("ssa", a="2"), force=True)
    assert updated["data"]["a"] == "2"


async def test_dry_run_changes_nothing(configmaps: ResourceClient) -> None:
    answer = await configmaps.create(configmap("dry"), dry_run=True)
    assert answer["metadata"]["name"] == "dry"
    with pytest.raises(NotFound):
        await configmaps.get("dry")
    await configmaps.create(configmap("dry2", a="1"))
    await configmaps.patch("dry2", {"data": {"a": "2"}}, dry_run=True)
    await configmaps.delete("dry2", dry_run=True)
    assert (await configmaps.get("dry2"))["data"] == {"a": "1"}


async def test_delete_then_not_found(configmaps: ResourceClient) -> None:
    await configmaps.create(configmap("gone"))
    await configmaps.delete("gone", propagation="Background", grace_period=0)
    with pytest.raises(NotFound):
        await configmaps.get("gone")
    with pytest.raises(NotFound):
        await configmaps.delete("gone")


async def test_list_follows_continue(configmaps: ResourceClient) -> None:
    for i in range(7):
        await configmaps.create(configmap(f"l{i}"))
    pages = [page async for page in configmaps.pages(limit=3)]
    assert len(pages) == 3  # 3 + 3 + 1
    listed = await configmaps.list(limit=3)
    assert sorted(o["metadata"]["name"] for o in listed.items) == [f"l{i}" for i in range(7)]
    assert listed.resource_version


async def test_list_with_selectors(configmaps: ResourceClient) -> None:
    await configmaps.create({**configmap("s1"), "metadata": {"name": "s1", "labels": {"t": "a"}}})
    await configmaps.create({**configmap("s2"), "metadata": {"name": "s2", "labels": {"t": "b"}}})
    by_label = await configmaps.list(label_selector="t=a")
    assert [o["metadata"]["name"] for o in by_label.items] == ["s1"]
    by_field = await configmaps.list(field_selector="metadata.name=s2")
    assert [o["metadata"]["name"] for o in by_field.items] == ["s2"]


async def test_table_has_columns_rows_and_metadata(
    configmaps: ResourceClient, namespace: str
) -> None:
    await configmaps.create(
        {"metadata": {"name": "t1", "labels": {"app": "x"}}, "data": {"a": "b"}}
    )
    table = await configmaps.table()
    assert [c.name for c in table.columns][:2] == ["Name", "Data"]
    (row,) = table.rows
    assert row.cells[0] == "t1"
    assert row.namespace == namespace
    assert row.metadata["labels"] == {"app": "x"}
    assert row.uid


async def test_subresource_and_cluster_scoped_kinds(client: Client, namespace: str) -> None:
    deployments = await client.resource("deploy")
    await deployments.create(
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "web"},
            "spec": {
                "replicas": 1,
                "selector": {"matchLabels": {"app": "web"}},
                "template": {
                    "metadata": {"labels": {"app": "web"}},
                    "spec": {"containers": [{"name": "c", "image": "nginx"}]},
                },
            },
        }
    )
    scale = await deployments.patch("web", {"spec": {"replicas": 3}}, subresource="scale")
    assert scale["kind"] == "Scale"
    assert (await deployments.get("web"))["spec"]["replicas"] == 3
    namespaces = await client.resource("Namespace")
    assert namespaces.path("x") == "/api/v1/namespaces/x"
    assert (await namespaces.get(namespace))["metadata"]["name"] == namespace


async def test_discovery_names_and_unknown_kinds(client: Client) -> None:
    for name in (
        "po",
        "pods",
        "pod",
        "Pod",
        "v1/pods",
        "deployments.apps",
        "deploy.v1.apps",
        "apps/v1/Deployment",
    ):
        resource = (await client.resource(name)).resource
        assert resource.kind in ("Pod", "Deployment"), name
    pods = (await client.resource("po")).resource
    assert pods.namespaced and "log" in pods.subresources and "watch" in pods.verbs
    assert client.discovery.aggregated is True
    with pytest.raises(UnknownResource, match='"nosuchkind"'):
        await client.resource("nosuchkind")


async def test_a_new_crd_is_found_by_refreshing_discovery(client: Client, namespace: str) -> None:
    await client.resource("pods")  # discovery is now cached, without the CRD
    crds = await client.resource("customresourcedefinitions")
    group = f"{namespace}.example.com"
    await crds.create(
        {
            "apiVersion": "apiextensions.k8s.io/v1",
            "kind": "CustomResourceDefinition",
            "metadata": {"name": f"widgets.{group}"},
            "spec": {
                "group": group,
                "scope": "Namespaced",
                "names": {
                    "plural": "widgets",
                    "singular": "widget",
                    "kind": "Widget",
                    "shortNames": ["wdg"],
                },
                "versions": [
                    {
                        "name": "v1",
                        "served": True,
                        "storage": True,
                        "schema": {
                            "openAPIV3Schema": {
                                "type": "object",
                                "x-kubernetes-preserve-unknown-fields": True,
                            }
                        },
                    }
                ],
            },
        }
    )
    widgets = None
    for _ in range(50):  # the CRD becomes served asynchronously (Established)
        try:
            widgets = await client.resource(f"widgets.{group}")
            break
        except UnknownResource:
            await asyncio.sleep(0.1)
    assert widgets is not None
    assert widgets.resource.short_names == ("wdg",)
    created = await widgets.create(
        {
            "apiVersion": f"{group}/v1",
            "kind": "Widget",
            "metadata": {"name": "w"},
            "spec": {"size": 3},
        }
    )
    assert created["spec"] == {"size": 3}
