"""The in-process client: the same pipeline as HTTP (defaults, validation, conflicts,
watch), for the engine's own components."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from engine.api import build_app
from engine.api.local import LocalClient, SyncLocalClient
from engine.api.rest import APIServer, install
from engine.api.status import StatusError
from engine.clock import FakeClock
from engine.store import Store


@pytest.fixture
def api(tmp_path: Path) -> Iterator[APIServer]:
    store = Store(tmp_path / "store")
    server = install(build_app(None, store), store, FakeClock())
    server.bootstrap()
    yield server
    server.close()
    store.close()


POD = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "p", "namespace": "default"},
    "spec": {"containers": [{"name": "c", "image": "nginx:1.25"}]},
}


async def test_create_defaults_and_validates(api: APIServer):
    client: LocalClient = api.local_client()
    created = await client.create(POD)
    assert created["spec"]["restartPolicy"] == "Always"
    assert created["metadata"]["creationTimestamp"] == "2023-11-14T22:13:20Z"  # the fake clock
    bad = {**POD, "metadata": {"name": "q", "namespace": "default"}, "spec": {"containers": []}}
    with pytest.raises(StatusError) as invalid:
        await client.create(bad)
    assert invalid.value.code == 422
    assert invalid.value.message == 'Pod "q" is invalid: spec.containers: Required value'


async def test_update_conflict_and_watch(api: APIServer):
    client = api.local_client()
    cm = await client.create(
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "default"}}
    )
    rv = cm["metadata"]["resourceVersion"]
    await client.patch("v1", "ConfigMap", "c", {"data": {"a": "1"}}, "default")
    stale = dict(cm, data={"a": "2"})
    with pytest.raises(StatusError) as conflict:
        await client.update(stale)
    assert conflict.value.code == 409
    stream = client.watch("v1", "ConfigMap", "default", resource_version=rv)
    event = await stream.__anext__()
    assert event["type"] == "MODIFIED" and event["object"]["data"] == {"a": "1"}
    await stream.aclose()


def test_sync_client_from_a_worker_thread(api: APIServer):
    sync = SyncLocalClient(api.local_client())
    results: list[object] = []

    def worker() -> None:
        made = sync.create(
            {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "threaded"}}
        )
        results.append(made["status"]["phase"])
        listed = sync.list("v1", "Namespace", label_selector="kubernetes.io/metadata.name=threaded")
        results.append([n["metadata"]["name"] for n in listed["items"]])
        sync.close()

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join(30)
    assert results == ["Active", ["threaded"]]


async def test_bind_then_scheduled(api: APIServer):
    client = api.local_client()
    await client.create(POD)
    await client.bind("default", "p", "node-1")
    assert (await client.get("v1", "Pod", "p", "default"))["spec"]["nodeName"] == "node-1"
    with pytest.raises(StatusError) as twice:
        await client.bind("default", "p", "node-2")
    assert twice.value.code == 409
