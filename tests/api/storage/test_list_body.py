"""LIST bodies built from stored bytes in chunks: the same bytes as the items one by one,
and errors before the first chunk."""

from __future__ import annotations

import orjson
import pytest

from engine.api.storage.codec import CorruptObject, encode, with_rv
from engine.api.storage.views import api_bytes, api_list_body
from engine.registry.builtin import builtin_registry
from engine.store import KeyValue

REGISTRY = builtin_registry()
CONFIGMAPS = REGISTRY.lookup("", "v1", "configmaps")
EVENTS = REGISTRY.lookup("events.k8s.io", "v1", "events")
HEAD = b'{"kind":"ConfigMapList","items":['


def items(count: int, size: int = 300) -> list[KeyValue]:
    out = []
    for i in range(count):
        obj = {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": f"cm-{i}", "namespace": "default"},
            "data": {"k": "v" * (size + i % 7)},
        }
        out.append(KeyValue(f"/configmaps/default/cm-{i}", encode(obj), 10 + i, 10 + i * 3, 1))
    return out


def expected(kvs: list[KeyValue]) -> bytes:
    return HEAD + b",".join(with_rv(kv.value, kv.mod_revision) for kv in kvs) + b"]}"


@pytest.mark.parametrize("count", [0, 1, 2, 57])
@pytest.mark.parametrize("chunk_bytes", [1, 500, 4096, 1 << 20])
def test_chunks_joined_are_the_items_one_by_one(count: int, chunk_bytes: int):
    kvs = items(count)
    pieces = list(api_list_body(CONFIGMAPS, HEAD, kvs, chunk_bytes))
    body = b"".join(pieces)
    assert body == expected(kvs)
    assert [o["metadata"]["resourceVersion"] for o in orjson.loads(body)["items"]] == [
        str(kv.mod_revision) for kv in kvs
    ]
    if count == 57 and chunk_bytes == 4096:
        assert len(pieces) > 3  # streamed, not one piece
        assert all(len(p) < 4096 + 1000 for p in pieces)


def test_an_object_with_an_empty_metadata_takes_no_comma():
    kvs = items(30)
    kvs[11] = KeyValue("/x", b'{"apiVersion":"v1","kind":"ConfigMap","metadata":{}}', 5, 7, 1)
    body = b"".join(api_list_body(CONFIGMAPS, HEAD, kvs, 1000))
    assert body == expected(kvs)
    assert orjson.loads(body)["items"][11]["metadata"] == {"resourceVersion": "7"}


def test_a_corrupt_object_fails_before_any_chunk():
    kvs = items(500)
    kvs[480] = KeyValue("/x", b'{"apiVersion":"v1","kind":"ConfigMap"}', 5, 7, 1)
    with pytest.raises(CorruptObject):
        api_list_body(CONFIGMAPS, HEAD, kvs, 100)  # not iterated: raised by the call


def test_converted_kinds_are_encoded_per_item():
    stored = {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": "e", "namespace": "default"},
        "involvedObject": {"kind": "Pod", "name": "p", "namespace": "default"},
        "reason": "Started",
        "message": "started",
        "type": "Normal",
    }
    kvs = [KeyValue("/events/default/e", encode(stored), 3, 4, 1)]
    body = b"".join(api_list_body(EVENTS, b"[", kvs))
    assert body == b"[" + api_bytes(EVENTS, kvs[0].value, 4) + b"]}"
    assert orjson.loads(body[1:-2])["apiVersion"] == "events.k8s.io/v1"
