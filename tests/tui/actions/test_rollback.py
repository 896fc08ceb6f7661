"""rollback as `kubectl rollout undo`: the previous ReplicaSet's template goes back into the
Deployment (ReplicaSets made by hand: the engine runs no Deployment controller)."""

from __future__ import annotations

import pytest

from ktui import actions
from ktui.actions import ActionError
from ktui.client import Client

from ..conftest import deployment
from .objects import create, get, make_replica_set, ref_to


async def rolled_out(client: Client, image: str = "nginx:2") -> tuple[dict, object]:
    """A Deployment now at revision 2 (image nginx:2), revision 1 ran nginx:1."""
    obj = await create(client, "deployments", deployment("web", image=image))
    await make_replica_set(client, obj, 1, "nginx:1")
    await make_replica_set(client, obj, 2, image)
    return obj, await ref_to(client, "deployments", obj)


def template_of(obj: dict) -> dict:
    return obj["spec"]["template"]


async def test_rollback_restores_the_previous_revision(client: Client, namespace: str) -> None:
    _, ref = await rolled_out(client)
    message = await actions.rollback(client, ref)
    assert message == "deployment.apps/web rolled back"
    after = await get(client, ref)
    assert template_of(after)["spec"]["containers"][0]["image"] == "nginx:1"
    assert "pod-template-hash" not in template_of(after)["metadata"]["labels"]
    assert template_of(after)["metadata"]["labels"] == {"app": "web"}


async def test_rollback_to_a_named_revision(client: Client, namespace: str) -> None:
    obj, ref = await rolled_out(client)
    await make_replica_set(client, obj, 3, "nginx:3")
    assert await actions.rollback(client, ref, to_revision=1) == "deployment.apps/web rolled back"
    after = await get(client, ref)
    assert template_of(after)["spec"]["containers"][0]["image"] == "nginx:1"
    with pytest.raises(ActionError, match="unable to find specified revision 7"):
        await actions.rollback(client, ref, to_revision=7)


async def test_rollback_to_the_current_template_is_skipped(client: Client, namespace: str) -> None:
    _, ref = await rolled_out(client)
    before = await get(client, ref)
    message = await actions.rollback(client, ref, to_revision=2)
    assert "skipped rollback" in message
    assert (await get(client, ref))["metadata"]["resourceVersion"] == before["metadata"][
        "resourceVersion"
    ]


async def test_without_a_previous_revision_rollback_is_a_clear_error(
    client: Client, namespace: str
) -> None:
    obj = await create(client, "deployments", deployment("web"))
    ref = await ref_to(client, "deployments", obj)
    with pytest.raises(ActionError, match="no rollout history"):
        await actions.rollback(client, ref)
    await make_replica_set(client, obj, 1, "nginx:1.27")
    with pytest.raises(ActionError, match='no rollout history found for deployment "web"'):
        await actions.rollback(client, ref)
    assert (await get(client, ref))["spec"] == obj["spec"]


async def test_replica_sets_of_another_deployment_are_not_history(
    client: Client, namespace: str
) -> None:
    obj = await create(client, "deployments", deployment("web", image="nginx:2"))
    other = await create(client, "deployments", deployment("web2"))
    other["spec"]["selector"] = obj["spec"]["selector"]  # same labels, other owner
    await make_replica_set(client, other, 1, "evil:1", name="web2-h1")
    await make_replica_set(client, obj, 2, "nginx:2")
    ref = await ref_to(client, "deployments", obj)
    with pytest.raises(ActionError, match='no rollout history found for deployment "web"'):
        await actions.rollback(client, ref)


async def test_only_workloads_with_a_history_roll_back(client: Client, namespace: str) -> None:
    cm = await create(client, "configmaps", {"metadata": {"name": "c"}})
    with pytest.raises(ActionError, match="Deployments, StatefulSets and DaemonSets only"):
        await actions.rollback(client, await ref_to(client, "configmaps", cm))
