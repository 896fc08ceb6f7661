"""The first view's LIST, sent by the command line before the app is imported: the feed of
that view takes it (and watches on from it), anything else lists on its own."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from ktui import first_list
from ktui.client import Client
from ktui.feeds import TABLE_PAGE_SIZE, FeedBatch, TableFeed

from ..conftest import pod


async def _until(predicate, timeout: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.02)


@pytest.fixture(autouse=True)
def _no_first_list_left():
    yield
    first_list.claim("", None, None, 0)  # whatever a test left is dropped


def _resets(batches: list[FeedBatch]) -> list[list[str]]:
    return [sorted(row.name for row in b.reset) for b in batches if b.reset is not None]


async def test_the_feed_takes_the_first_list_then_watches_from_it(
    client: Client, namespace: str, kubeconfig: Path
) -> None:
    pods = await client.resource("pods")
    for name in ("a", "b"):
        await pods.create(pod(name), namespace)
    started = first_list.start(kubeconfig, None, namespace)
    assert started is not None and started.path == f"/api/v1/namespaces/{namespace}/pods"
    listed = await asyncio.wrap_future(started.result)
    assert sorted(row.name for row in listed.rows) == ["a", "b"]
    await pods.create(pod("late"), namespace)  # after the first list, before the feed

    batches: list[FeedBatch] = []
    feed = TableFeed(pods, batches.append, namespaces=[namespace], interval=0.02)
    feed.start()
    try:
        await _until(lambda: feed.synced)
        # The rows are the first list's (the feed did not list again: "late" is missing)...
        assert _resets(batches) == [["a", "b"]]
        assert [c.name for c in feed.columns][:3] == ["Name", "Ready", "Status"]
        # ...and the watch goes on from its resourceVersion: nothing is missed.
        await _until(
            lambda: any(
                kind == "ADDED" and row.name == "late" for b in batches for kind, row in b.changes
            )
        )
    finally:
        await feed.stop()
    # Taken once: a second feed of the same view lists on its own.
    path = f"/api/v1/namespaces/{namespace}/pods"
    assert first_list.claim(path, None, None, TABLE_PAGE_SIZE) is None


@pytest.mark.parametrize(
    "other",
    [("/api/v1/namespaces/x/pods", None, None), ("/api/v1/pods", "app=web", None)],
    ids=["another namespace", "a label selector"],
)
async def test_the_first_feed_decides(kubeconfig: Path, other: tuple) -> None:
    for claimant in (other, ("/api/v1/pods", None, None)):
        started = first_list.start(kubeconfig, None, None)  # every namespace
        assert started is not None
        await asyncio.wrap_future(started.result)
        got = first_list.claim(*claimant, TABLE_PAGE_SIZE)
        assert got is (None if claimant is other else started.result)
        # Handed over or dropped: nothing is left for a later feed.
        assert first_list.claim("/api/v1/pods", None, None, TABLE_PAGE_SIZE) is None


async def test_a_failed_first_list_leaves_the_feed_to_list(
    client: Client, namespace: str, tmp_path: Path
) -> None:
    pods = await client.resource("pods")
    await pods.create(pod("only"), namespace)
    unreachable = tmp_path / "kubeconfig"
    unreachable.write_text(
        "apiVersion: v1\nkind: Config\ncurrent-context: c\n"
        "clusters: [{name: c, cluster: {server: 'https://127.0.0.1:1', "
        "insecure-skip-tls-verify: true}}]\n"
        "users: [{name: u, user: {token: t}}]\n"
        "contexts: [{name: c, context: {cluster: c, user: u}}]\n"
    )
    started = first_list.start(unreachable, None, namespace)
    assert started is not None
    with pytest.raises(OSError):
        await asyncio.wrap_future(started.result)
    batches: list[FeedBatch] = []
    feed = TableFeed(pods, batches.append, namespaces=[namespace], interval=0.02)
    feed.start()
    try:
        await _until(lambda: feed.synced)
        assert _resets(batches) == [["only"]]
    finally:
        await feed.stop()


def test_no_first_list_for_exec_plugins(tmp_path: Path) -> None:
    config = tmp_path / "kubeconfig"
    config.write_text(
        "apiVersion: v1\nkind: Config\ncurrent-context: c\n"
        "clusters: [{name: c, cluster: {server: 'https://127.0.0.1:1'}}]\n"
        "users: [{name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1, "
        "command: get-token}}}]\n"
        "contexts: [{name: c, context: {cluster: c, user: u}}]\n"
    )
    assert first_list.start(config, None, None) is None
    assert first_list.start(tmp_path / "missing", None, None) is None


async def test_the_first_page_shows_while_the_rest_comes(client: Client, namespace: str) -> None:
    pods = await client.resource("pods")
    for i in range(5):
        await pods.create(pod(f"p{i}"), namespace)
    batches: list[FeedBatch] = []
    feed = TableFeed(pods, batches.append, namespaces=[namespace], interval=0.02, page_size=2)
    feed.start()
    try:
        await _until(lambda: feed.synced)
        assert _resets(batches) == [["p0", "p1"], ["p0", "p1", "p2", "p3", "p4"]]
        assert batches[0].columns is not None  # the first rows come with their columns
    finally:
        await feed.stop()


def test_it_asks_for_tables_as_the_client_does() -> None:
    from ktui.client.tables import ACCEPT_TABLE

    assert first_list.ACCEPT_TABLE == ACCEPT_TABLE  # a copy: msgspec loads after the send
