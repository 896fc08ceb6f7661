"""Watch streams over HTTP: synthetic ADDED, selectors, bookmarks, Table rows, timeouts,
and the in-stream 410 for a compacted resourceVersion."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator

import httpx

from .conftest import Lab, create_namespace

CM = "/api/v1/namespaces/watching/configmaps"
MERGE = {"Content-Type": "application/merge-patch+json"}


def events(
    http: httpx.Client, params: dict, count: int, headers: dict | None = None
) -> Iterator[dict]:
    with http.stream(
        "GET", CM, params={"watch": "true", **params}, headers=headers or {}
    ) as response:
        assert response.status_code == 200
        seen = 0
        for line in response.iter_lines():
            if not line:
                continue
            yield json.loads(line)
            seen += 1
            if seen == count:
                return


def test_watch_without_resource_version_starts_with_the_current_objects(http: httpx.Client):
    create_namespace(http, "watching")
    http.post(CM, json={"metadata": {"name": "present"}})
    first = next(events(http, {"timeoutSeconds": "5"}, 1))
    assert first["type"] == "ADDED" and first["object"]["metadata"]["name"] == "present"


def test_label_selector_turns_updates_into_added_and_deleted(http: httpx.Client):
    rv = http.get(CM).json()["metadata"]["resourceVersion"]
    http.post(CM, json={"metadata": {"name": "mover", "labels": {"pick": "no"}}})
    http.patch(f"{CM}/mover", content=b'{"metadata":{"labels":{"pick":"yes"}}}', headers=MERGE)
    http.patch(f"{CM}/mover", content=b'{"data":{"a":"b"}}', headers=MERGE)
    http.patch(f"{CM}/mover", content=b'{"metadata":{"labels":{"pick":"no"}}}', headers=MERGE)
    seen = list(
        events(http, {"resourceVersion": rv, "labelSelector": "pick=yes", "timeoutSeconds": "5"}, 3)
    )
    assert [e["type"] for e in seen] == ["ADDED", "MODIFIED", "DELETED"]
    deleted = seen[2]["object"]
    assert deleted["metadata"]["labels"] == {"pick": "yes"}  # the state it had while matching
    assert int(deleted["metadata"]["resourceVersion"]) > int(
        seen[1]["object"]["metadata"]["resourceVersion"]
    )


def test_bookmarks_carry_only_a_resource_version(http: httpx.Client, lab: Lab):
    rv = str(lab.store.revision)
    timer = threading.Timer(0.5, lab.store.notify_progress)
    timer.start()
    try:
        bookmark = next(
            events(
                http,
                {"resourceVersion": rv, "allowWatchBookmarks": "true", "timeoutSeconds": "10"},
                1,
            )
        )
    finally:
        timer.cancel()
    assert bookmark["type"] == "BOOKMARK"
    assert bookmark["object"]["kind"] == "ConfigMap"
    assert bookmark["object"]["metadata"]["resourceVersion"].isdigit()


def test_timeout_ends_the_stream(http: httpx.Client, lab: Lab):
    rv = str(lab.store.revision)
    assert list(events(http, {"resourceVersion": rv, "timeoutSeconds": "1"}, 100)) == []


def test_a_client_that_goes_away_ends_its_watch(http: httpx.Client, lab: Lab):
    """The server notices the disconnect and lets go of the store watch, without waiting
    for an event or the timeout."""
    hub = lab.store._hub  # white box: the store's watches, live or catching up

    def watches() -> int:
        with hub.lock:
            live = [w for group in hub._by_prefix.values() for w in group]
            return sum(1 for w in [*live, *hub._unsynced] if "/watching/" in w.prefix)

    before = watches()
    rv = str(lab.store.revision)
    with http.stream(
        "GET", CM, params={"watch": "true", "resourceVersion": rv, "timeoutSeconds": "300"}
    ) as response:
        assert response.status_code == 200
        deadline = time.monotonic() + 5
        while watches() == before and time.monotonic() < deadline:
            time.sleep(0.01)
        assert watches() == before + 1
    deadline = time.monotonic() + 5
    while watches() > before and time.monotonic() < deadline:
        time.sleep(0.01)
    assert watches() == before


def test_table_watch_sends_headers_once(http: httpx.Client):
    rv = http.get(CM).json()["metadata"]["resourceVersion"]
    http.post(CM, json={"metadata": {"name": "row-1"}})
    http.post(CM, json={"metadata": {"name": "row-2"}})
    accept = {"Accept": "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"}
    first, second = events(http, {"resourceVersion": rv, "timeoutSeconds": "5"}, 2, accept)
    assert first["object"]["kind"] == "Table"
    assert [c["name"] for c in first["object"]["columnDefinitions"]][:1] == ["Name"]
    assert second["object"]["columnDefinitions"] is None
    assert second["object"]["rows"][0]["cells"][0] == "row-2"


def test_watch_from_a_compacted_resource_version_sends_410_in_stream(http: httpx.Client, lab: Lab):
    rv = http.get(CM).json()["metadata"]["resourceVersion"]
    http.post(CM, json={"metadata": {"name": "compact-me"}})
    http.post(CM, json={"metadata": {"name": "compact-me-too"}})
    lab.store.compact(lab.store.revision)
    error = next(events(http, {"resourceVersion": rv, "timeoutSeconds": "5"}, 1))
    assert error["type"] == "ERROR"
    assert error["object"]["code"] == 410 and error["object"]["reason"] == "Expired"
    assert error["object"]["message"].startswith(f"too old resource version: {rv} (")


def test_watch_of_one_object_by_name(http: httpx.Client):
    rv = http.get(CM).json()["metadata"]["resourceVersion"]
    http.post(CM, json={"metadata": {"name": "single"}})
    http.post(CM, json={"metadata": {"name": "single-other"}})
    http.patch(f"{CM}/single", content=b'{"data":{"x":"1"}}', headers=MERGE)
    seen = list(
        events(
            http,
            {"resourceVersion": rv, "fieldSelector": "metadata.name=single", "timeoutSeconds": "2"},
            5,
        )
    )
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in seen] == [
        ("ADDED", "single"),
        ("MODIFIED", "single"),
    ]
