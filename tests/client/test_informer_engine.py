"""Watches and informers against the engine: resume after a stream ends, relist after the
store was compacted, Table mode, indexes."""

from __future__ import annotations

import asyncio

from ktui.client import Client, ResourceClient
from ktui.client.informer import Informer
from ktui.client.reflector import WatchState

from .conftest import Lab, configmap


async def wait_for(queue: asyncio.Queue, state: WatchState) -> list[WatchState]:
    seen = []
    while True:
        got, _ = await queue.get()
        seen.append(got)
        if got is state:
            return seen


async def until(informer: Informer, predicate) -> dict[str, str]:
    """Drain notifications until `predicate()` holds; the last type seen per key."""
    seen: dict[str, str] = {}
    while not predicate():
        seen.update({n.key: n.type for n in await informer.changes()})
    seen.update({n.key: n.type for n in informer.drain()})
    return seen


async def test_single_watch_stream_sees_changes(configmaps: ResourceClient) -> None:
    listed = await configmaps.list()
    stream = configmaps.watch(resource_version=listed.resource_version, timeout_seconds=5)
    await configmaps.create(configmap("w1"))
    batch = await anext(stream)
    assert [(e.type, e.object["metadata"]["name"]) for e in batch][0] == ("ADDED", "w1")
    await stream.aclose()


async def test_informer_lists_watches_and_resumes(configmaps: ResourceClient) -> None:
    await configmaps.create(configmap("before", a="1"))
    states: asyncio.Queue = asyncio.Queue()
    informer = Informer(
        configmaps, timeout_seconds=1, on_state=lambda s, r: states.put_nowait((s, r))
    )
    async with informer:
        await informer.wait_synced()
        assert informer.get(f"{configmaps.client.namespace}/before")["data"] == {"a": "1"}
        assert [n.type for n in informer.drain()] == ["ADDED"]
        # The server ends the 1 s stream; the reflector must watch again without listing.
        await wait_for(states, WatchState.WATCHING)
        await wait_for(states, WatchState.WATCHING)
        await configmaps.create(configmap("after"))
        key = f"{configmaps.client.namespace}/after"
        await until(informer, lambda: key in informer.store)
        assert informer.reflector.lists == 1
        assert informer.reflector.watches >= 2


async def test_informer_relists_after_compaction(configmaps: ResourceClient, lab: Lab) -> None:
    ns = configmaps.client.namespace
    await configmaps.create(configmap("stays"))
    await configmaps.create(configmap("removed"))
    states: list[WatchState] = []
    informer = Informer(configmaps, on_state=lambda s, r: states.append(s))
    informer.start()
    await informer.wait_synced()
    informer.drain()
    await informer.stop()  # the reflector keeps its resourceVersion
    await configmaps.delete("removed")
    await configmaps.create(configmap("new"))
    await configmaps.patch("stays", {"data": {"x": "y"}})
    lab.compact()  # the informer's resourceVersion is now too old: 410 Gone
    informer.start()
    try:
        changes = await until(informer, lambda: informer.reflector.lists == 2)
    finally:
        await informer.stop()
    assert WatchState.RELISTING in states
    assert changes == {f"{ns}/removed": "DELETED", f"{ns}/new": "ADDED", f"{ns}/stays": "MODIFIED"}
    assert sorted(informer.store.keys()) == [f"{ns}/new", f"{ns}/stays"]


async def test_notifications_coalesce_per_key(configmaps: ResourceClient) -> None:
    informer = Informer(configmaps)
    async with informer:
        await informer.wait_synced()
        await configmaps.create(configmap("c", v="1"))
        for v in "234":
            await configmaps.patch("c", {"data": {"v": v}})
        key = f"{configmaps.client.namespace}/c"
        pending = await until(
            informer, lambda: (informer.get(key) or {}).get("data", {}).get("v") == "4"
        )
    # However the events were batched, the first sighting of the key is an ADDED.
    assert pending[key] in ("ADDED", "MODIFIED")
    assert informer.get(key)["data"]["v"] == "4"


async def test_indexes(client: Client, namespace: str) -> None:
    pods = await client.resource("pods")
    owner = "1234-abcd"
    for name, node, labels in (
        ("a", "n1", {"app": "x"}),
        ("b", "n2", {"app": "x"}),
        ("c", "n1", {"app": "y"}),
    ):
        await pods.create(
            {
                "metadata": {
                    "name": name,
                    "labels": labels,
                    "ownerReferences": [
                        {"apiVersion": "v1", "kind": "ReplicaSet", "name": "rs", "uid": owner}
                    ]
                    if name != "c"
                    else [],
                },
                "spec": {"nodeName": node, "containers": [{"name": "c", "image": "busybox"}]},
            }
        )
    informer = Informer(
        pods,
        indexers={
            "node": lambda o: [o["spec"].get("nodeName", "")],
            "label": lambda o: [f"{k}={v}" for k, v in o["metadata"].get("labels", {}).items()],
            "owner": lambda o: [r["uid"] for r in o["metadata"].get("ownerReferences", [])],
            "first-letter": lambda o: [o["metadata"]["name"][0]],
        },
    )
    async with informer:
        await informer.wait_synced()
        names = lambda objs: sorted(o["metadata"]["name"] for o in objs)  # noqa: E731
        assert names(informer.by_index("node", "n1")) == ["a", "c"]
        assert names(informer.by_index("label", "app=x")) == ["a", "b"]
        assert names(informer.by_index("owner", owner)) == ["a", "b"]
        assert names(informer.by_index("first-letter", "b")) == ["b"]
        await pods.delete("a", grace_period=0)
        await until(informer, lambda: f"{namespace}/a" not in informer.store)
        assert names(informer.by_index("node", "n1")) == ["c"]


async def test_default_indexes_and_table_mode(configmaps: ResourceClient) -> None:
    ns = configmaps.client.namespace
    await configmaps.create({"metadata": {"name": "tm", "labels": {"k": "v"}}, "data": {}})
    informer = Informer(configmaps, table=True)
    async with informer:
        await informer.wait_synced()
        assert [c["name"] for c in informer.columns][:2] == ["Name", "Data"]
        row = informer.get(f"{ns}/tm")
        assert row["cells"][0] == "tm"
        assert informer.store.index_keys("label", "k=v") == {f"{ns}/tm"}
        assert informer.store.index_keys("namespace", ns) == {f"{ns}/tm"}
        informer.drain()
        await configmaps.create(configmap("tm2", a="b"))
        await until(informer, lambda: f"{ns}/tm2" in informer.store)
        assert informer.get(f"{ns}/tm2")["cells"][:2] == ["tm2", 1]


async def test_managed_fields_are_stripped_unless_asked(configmaps: ResourceClient) -> None:
    await configmaps.create(configmap("mf"))
    key = f"{configmaps.client.namespace}/mf"
    assert (await configmaps.get("mf"))["metadata"]["managedFields"]
    async with Informer(configmaps) as lean:
        await lean.wait_synced()
        assert "managedFields" not in lean.get(key)["metadata"]
    async with Informer(configmaps, transform=None) as whole:
        await whole.wait_synced()
        assert whole.get(key)["metadata"]["managedFields"]
