"""TableFeed against the engine: one reset with every namespace's rows, then batched changes."""

from __future__ import annotations

import asyncio
import uuid

from engine.cluster import Cluster
from ktui.client import Client
from ktui.feeds import FeedBatch, TableFeed

from ..conftest import pod


async def _namespace(client: Client) -> str:
    name = f"f-{uuid.uuid4().hex[:8]}"
    await (await client.resource("namespaces")).create({"metadata": {"name": name}})
    return name


async def _until(predicate, timeout: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def test_several_namespaces_arrive_as_one_reset_then_changes(client: Client) -> None:
    a, b = await _namespace(client), await _namespace(client)
    pods = await client.resource("pods")
    await pods.create(pod("one"), a)
    await pods.create(pod("two"), b)
    batches: list[FeedBatch] = []
    feed = TableFeed(pods, batches.append, namespaces=[a, b], interval=0.02)
    feed.start()
    try:
        await _until(lambda: any(batch.reset is not None for batch in batches))
        first = next(batch for batch in batches if batch.reset is not None)
        assert sorted(row.name for row in first.reset) == ["one", "two"]
        assert [c.name for c in first.columns][:3] == ["Name", "Ready", "Status"]
        await pods.create(pod("three"), a)
        await pods.delete("two", b)
        seen: list[tuple[str, str]] = []
        await _until(
            lambda: (
                seen.extend((kind, row.name) for batch in batches for kind, row in batch.changes)
                or (("ADDED", "three") in seen and ("DELETED", "two") in seen)
            )
        )
        # Changes come in batches, not one delivery per event.
        assert len([b for b in batches if b.changes]) <= len(seen)
    finally:
        await feed.stop()


async def test_a_relist_after_compaction_deletes_what_vanished(
    client: Client, engine: Cluster
) -> None:
    ns = await _namespace(client)
    pods = await client.resource("pods")
    await pods.create(pod("keep"), ns)
    await pods.create(pod("gone"), ns)
    batches: list[FeedBatch] = []
    feed = TableFeed(pods, batches.append, namespaces=[ns], interval=0.02)
    feed.start()
    try:
        await _until(lambda: feed.synced)
        await feed.stop()  # the watch stops; meanwhile a pod goes and history is compacted
        await pods.delete("gone", ns)
        await client.resource("configmaps")  # (no-op: keeps the client warm)
        engine.store.compact(engine.store.revision)
        batches.clear()
        feed.start()  # resumes from an expired resourceVersion → 410 → relist
        await _until(
            lambda: any(
                kind == "DELETED" and row.name == "gone"
                for batch in batches
                for kind, row in batch.changes
            )
        )
        keep = [row for batch in batches for kind, row in batch.changes if row.name == "keep"]
        assert keep and all(row.cells for row in keep)  # the survivor is upserted, not lost
    finally:
        await feed.stop()
