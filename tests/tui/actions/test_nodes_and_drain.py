"""cordon / uncordon and drain against the engine: pods bound to nodes by hand, a DaemonSet
pod that is skipped, a PodDisruptionBudget that blocks."""

from __future__ import annotations

import pytest

from ktui import actions
from ktui.actions import DrainError
from ktui.client import Client

from .objects import create, make_controller, make_node, pod_names, pod_on


async def unschedulable(client: Client, node: str) -> bool | None:
    nodes = await client.resource("nodes")
    return (await nodes.get(node)).get("spec", {}).get("unschedulable")


async def test_cordon_and_uncordon(client: Client, namespace: str) -> None:
    node = await make_node(client)
    assert await actions.cordon(client, node) == f"node/{node} cordoned"
    assert await unschedulable(client, node) is True
    assert await actions.cordon(client, node) == f"node/{node} already cordoned"
    assert await actions.uncordon(client, node) == f"node/{node} uncordoned"
    assert await unschedulable(client, node) is None  # as kubectl leaves it
    assert await actions.uncordon(client, node) == f"node/{node} already uncordoned"


async def test_drain_evicts_controlled_pods_and_skips_daemonset_and_mirror_pods(
    client: Client, namespace: str
) -> None:
    node, elsewhere = await make_node(client), await make_node(client)
    rs = await make_controller(client, "ReplicaSet", "web")
    ds = await make_controller(client, "DaemonSet", "agent")
    await pod_on(client, "web-1", node, owner_obj=rs, running=True)
    await pod_on(client, "web-2", node, owner_obj=rs)
    await pod_on(client, "done", node, restartPolicy="Never")  # bare, but...
    pods = await client.resource("pods")
    await pods.patch("done", {"status": {"phase": "Succeeded"}}, subresource="status")
    await pod_on(client, "agent-x", node, owner_obj=ds, running=True)
    mirror = await pod_on(client, "static", node)
    await pods.patch("static", {"metadata": {"annotations": {"kubernetes.io/config.mirror": "x"}}})
    await pod_on(client, "web-3", elsewhere, owner_obj=rs)
    assert mirror

    progress: list[str] = []
    message = await actions.drain(client, node, timeout=10, on_progress=progress.append)

    assert message == f"node/{node} drained"
    assert await unschedulable(client, node) is True
    assert await pod_names(client, node) == {"agent-x", "static"}
    assert await pod_names(client, elsewhere) == {"web-3"}
    assert any("ignoring DaemonSet-managed Pods" in p and "agent-x" in p for p in progress)
    assert any(p.endswith(f"{namespace}/web-1 evicted") for p in progress)


async def test_drain_refuses_bare_pods_unless_forced(client: Client, namespace: str) -> None:
    node = await make_node(client)
    await pod_on(client, "lonely", node)
    with pytest.raises(DrainError) as caught:
        await actions.drain(client, node, timeout=5)
    assert caught.value.refused
    assert "declare no controller" in str(caught.value) and f"{namespace}/lonely" in str(
        caught.value
    )
    assert await pod_names(client, node) == {"lonely"}  # nothing evicted
    assert await unschedulable(client, node) is True  # but cordoned, as kubectl leaves it
    assert await actions.drain(client, node, timeout=5, force=True) == f"node/{node} drained"
    assert await pod_names(client, node) == set()


async def test_drain_refuses_emptydir_data_unless_allowed(client: Client, namespace: str) -> None:
    node = await make_node(client)
    rs = await make_controller(client, "ReplicaSet", "cache")
    await pod_on(client, "cache-1", node, owner_obj=rs, volumes=[{"name": "t", "emptyDir": {}}])
    with pytest.raises(DrainError, match="local storage"):
        await actions.drain(client, node, timeout=5)
    assert await pod_names(client, node) == {"cache-1"}
    await actions.drain(client, node, timeout=5, delete_emptydir_data=True)
    assert await pod_names(client, node) == set()


async def test_daemonset_pods_stop_the_drain_when_not_ignored(
    client: Client, namespace: str
) -> None:
    node = await make_node(client)
    ds = await make_controller(client, "DaemonSet", "agent")
    await pod_on(client, "agent-x", node, owner_obj=ds)
    with pytest.raises(DrainError, match="DaemonSet-managed"):
        await actions.drain(client, node, ignore_daemonsets=False, timeout=5)


async def test_a_disruption_budget_blocks_and_the_drain_times_out_cleanly(
    client: Client, namespace: str
) -> None:
    node = await make_node(client)
    rs = await make_controller(client, "ReplicaSet", "db")
    await pod_on(client, "db-1", node, owner_obj=rs, running=True, labels={"app": "db"})
    await pod_on(client, "free-1", node, owner_obj=rs, running=True, labels={"app": "free"})
    pdb = {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": {"name": "db"},
        "spec": {"minAvailable": 1, "selector": {"matchLabels": {"app": "db"}}},
    }
    await create(client, "poddisruptionbudgets", pdb)
    pdbs = await client.resource("poddisruptionbudgets")
    status = {"disruptionsAllowed": 0, "currentHealthy": 1, "desiredHealthy": 1, "expectedPods": 1}
    await pdbs.patch("db", {"status": status}, subresource="status")

    progress: list[str] = []
    with pytest.raises(DrainError) as caught:
        await actions.drain(client, node, timeout=1.0, on_progress=progress.append)

    assert caught.value.pods == [f"{namespace}/db-1"]
    assert "disruption budget" in str(caught.value)
    assert any("cannot evict" in p and "db-1" in p for p in progress)
    assert await pod_names(client, node) == {"db-1"}  # the unprotected pod went


def test_plan_follows_kubectl_filters() -> None:
    def p(name, **meta):
        return {"metadata": {"name": name, "namespace": "n", **meta}, "spec": {}, "status": {}}

    owned = {"ownerReferences": [{"kind": "ReplicaSet", "controller": True}]}
    result = actions.plan([p("a", **owned), p("b")], force=False)
    assert [x["metadata"]["name"] for x in result.evict] == ["a"]
    assert list(result.errors.values()) == [["n/b"]]
