"""delete, kill, scale, restart and set image change what kubectl would show."""

from __future__ import annotations

from datetime import datetime

import pytest

from ktui import actions
from ktui.actions import ActionError
from ktui.client import Client, NotFound

from ..conftest import pod
from .objects import create, get, make_deployment, make_node, ref_to


async def test_delete_removes_the_object(client: Client, namespace: str) -> None:
    ref = await make_deployment(client)
    assert await actions.delete(client, ref) == 'deployment.apps "web" deleted'
    with pytest.raises(NotFound):
        await get(client, ref)


async def test_delete_of_a_pod_on_a_node_is_graceful_and_kill_is_not(
    client: Client, namespace: str
) -> None:
    node = await make_node(client)
    obj = await create(client, "pods", pod("web", nodeName=node))  # 30 s grace by default
    ref = await ref_to(client, "pods", obj)
    assert await actions.delete(client, ref) == 'pod "web" marked for deletion'
    assert (await get(client, ref))["metadata"]["deletionTimestamp"]
    assert await actions.kill(client, ref) == 'pod "web" killed'
    with pytest.raises(NotFound):
        await get(client, ref)


async def test_delete_of_a_missing_object_raises_not_found(client: Client, namespace: str) -> None:
    ref = await make_deployment(client)
    await actions.delete(client, ref)
    with pytest.raises(NotFound):
        await actions.delete(client, ref)


async def test_scale_sets_replicas_through_the_scale_subresource(
    client: Client, namespace: str
) -> None:
    ref = await make_deployment(client, replicas=2)
    assert await actions.scale(client, ref, 5) == "deployment.apps/web scaled to 5"
    assert (await get(client, ref))["spec"]["replicas"] == 5
    assert await actions.scale(client, ref, 0) == "deployment.apps/web scaled to 0"
    assert (await get(client, ref))["spec"]["replicas"] == 0
    with pytest.raises(ActionError):
        await actions.scale(client, ref, -1)


async def test_scale_refuses_kinds_without_a_scale_subresource(
    client: Client, namespace: str
) -> None:
    cm = await create(client, "configmaps", {"metadata": {"name": "c"}, "data": {}})
    with pytest.raises(ActionError, match="cannot be scaled"):
        await actions.scale(client, await ref_to(client, "configmaps", cm), 2)


async def test_restart_stamps_the_pod_template(client: Client, namespace: str) -> None:
    ref = await make_deployment(client)
    assert await actions.restart(client, ref) == "deployment.apps/web restarted"
    template = (await get(client, ref))["spec"]["template"]
    stamp = template["metadata"]["annotations"]["kubectl.kubernetes.io/restartedAt"]
    datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ")  # RFC 3339, as kubectl writes it


async def test_restart_refuses_a_paused_deployment_and_other_kinds(
    client: Client, namespace: str
) -> None:
    ref = await make_deployment(client)
    await client.bind(ref.resource).patch(ref.name, {"spec": {"paused": True}})
    with pytest.raises(ActionError, match="paused"):
        await actions.restart(client, ref)
    assert "annotations" not in (await get(client, ref))["spec"]["template"]["metadata"]
    cm = await create(client, "configmaps", {"metadata": {"name": "c"}})
    with pytest.raises(ActionError, match="not supported"):
        await actions.restart(client, await ref_to(client, "configmaps", cm))


async def test_set_image_changes_one_container(client: Client, namespace: str) -> None:
    ref = await make_deployment(client, image="nginx:1.27")
    res = client.bind(ref.resource)
    sidecar = {"name": "log", "image": "busybox:1"}
    await res.patch(
        ref.name,
        [{"op": "add", "path": "/spec/template/spec/containers/-", "value": sidecar}],
        type="json",
    )
    message = await actions.set_image(client, ref, "main", "nginx:1.28")
    assert message == "deployment.apps/web image updated to nginx:1.28"
    containers = (await get(client, ref))["spec"]["template"]["spec"]["containers"]
    assert [(c["name"], c["image"]) for c in containers] == [
        ("main", "nginx:1.28"),
        ("log", "busybox:1"),
    ]
    await actions.set_image(client, ref, "*", "alpine:3")
    containers = (await get(client, ref))["spec"]["template"]["spec"]["containers"]
    assert {c["image"] for c in containers} == {"alpine:3"}


async def test_set_image_of_a_pod_and_of_a_missing_container(
    client: Client, namespace: str
) -> None:
    ref = await ref_to(client, "pods", await create(client, "pods", pod("p")))
    await actions.set_image(client, ref, "main", "nginx:2")
    assert (await get(client, ref))["spec"]["containers"][0]["image"] == "nginx:2"
    with pytest.raises(ActionError, match='unable to find container named "nope"'):
        await actions.set_image(client, ref, "nope", "x")
    with pytest.raises(ActionError, match="empty"):
        await actions.set_image(client, ref, "main", " ")
