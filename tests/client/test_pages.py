"""The informer's fast LIST path (ktui/client/pages.py) stores exactly what decoding the
page whole would: the same keys, index values and objects, managedFields stripped only
from items' metadata, whatever the items contain. And pages are pipelined."""

from __future__ import annotations

import copy
import json
from typing import Any

import httpx
import orjson
import pytest

from ktui.client.informer import Informer
from ktui.client.pages import cut_managed_fields, peek_list_metadata

from .fakes import CONFIGMAPS, ScriptedServer

MANAGED = [
    {
        "manager": "kubectl",
        "operation": "Update",
        "fieldsType": "FieldsV1",
        "fieldsV1": {"f:spec": {"f:containers": {'k:{"name":"web"}': {".": {}}}}},
    }
]


def pod(name: str, ns: str = "ns", **extra: Any) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": name,
            "namespace": ns,
            "resourceVersion": "7",
            "labels": {"app": "web"},
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "uid": "u1"}],
            "managedFields": copy.deepcopy(MANAGED),
        },
        "spec": {"nodeName": "n1", "containers": [{"name": "web", "image": "nginx"}]},
    }
    obj.update(extra)
    return obj


def page(items: list[Any], cont: str = "", *, pretty: bool = False) -> bytes:
    doc = {
        "kind": "PodList",
        "apiVersion": "v1",
        "metadata": {"resourceVersion": "9", **({"continue": cont} if cont else {})},
        "items": items,
    }
    return json.dumps(doc, indent=1).encode() if pretty else orjson.dumps(doc)


def expected(obj: dict[str, Any], strip: bool = True) -> dict[str, Any]:
    obj = copy.deepcopy(obj)
    if strip:
        obj.get("metadata", {}).pop("managedFields", None)
    return obj


def stored(informer: Informer, body: bytes) -> list[tuple[str, dict[str, Any], tuple]]:
    _, entries = informer.decode_page(body)
    return [(key, orjson.loads(e.raw), e.indexed) for key, e in entries]


def informer(**options: Any) -> Informer:
    return Informer(ScriptedServer().client().bind(CONFIGMAPS), **options)


def weird_items() -> list[dict[str, Any]]:
    first_key = pod("first-key")
    first_key["metadata"] = {"managedFields": MANAGED, **pod("x")["metadata"], "name": "fk"}
    only_key = {"apiVersion": "v1", "kind": "Pod", "metadata": {"managedFields": MANAGED}}
    bracket = pod("bracket")
    bracket["metadata"]["managedFields"][0]["manager"] = 'a]b"c\\'  # left whole by the cut
    owners = pod("two-owners")  # nested objects that start like an item: spans must join
    owners["metadata"]["ownerReferences"].append({"apiVersion": "v1", "kind": "Pod", "uid": "u2"})
    nested = pod("nested", spec={"template": {"metadata": {"name": "t"}}})
    return [pod("a"), first_key, only_key, bracket, owners, nested, pod("z", ns="other")]


def test_fast_path_stores_what_a_whole_decode_would() -> None:
    items = weird_items()
    got = stored(informer(), page(items))
    assert [g[1] for g in got] == [expected(o) for o in items]
    assert [g[0] for g in got] == [
        "ns/a",
        "ns/fk",
        "",
        "ns/bracket",
        "ns/two-owners",
        "ns/nested",
        "other/z",
    ]
    assert got[0][2] == (("ns",), ("app=web",), ("u1",), ("n1",))
    assert got[4][2][2] == ("u1", "u2")


@pytest.mark.parametrize(
    "name, items",
    [
        # a CRD with a managedFields field of its own: cut, found out, decoded as it came
        ("crd field", [pod("c", spec={"managedFields": [{"a": 1}]})]),
        # items not all starting alike: no span boundary between them
        ("key order", [pod("a"), {"metadata": pod("b")["metadata"], "apiVersion": "v1"}]),
        ("empty", []),
    ],
)
def test_unusual_pages_fall_back_to_the_same_result(name: str, items: list[Any]) -> None:
    got = stored(informer(), page(items))
    assert [g[1] for g in got] == [expected(o) for o in items]


def test_every_item_split_by_nested_objects_still_takes_the_fast_path() -> None:
    items = []
    for i in range(50):  # each pod's owners start like an item: 3 spans per item
        obj = pod(f"p{i}")
        obj["metadata"]["ownerReferences"] = [
            {"apiVersion": "v1", "uid": f"{i}-{j}"} for j in range(3)
        ]
        items.append(obj)
    body = page(items)
    fast = informer()
    fast._decode_whole = None  # type: ignore[assignment,method-assign]  # must not be needed
    assert [g[1] for g in stored(fast, body)] == [expected(o) for o in items]


def test_pretty_printed_page_and_other_transforms() -> None:
    items = weird_items()
    assert [g[1] for g in stored(informer(), page(items, pretty=True))] == [
        expected(o) for o in items
    ]
    whole = [g[1] for g in stored(informer(transform=None), page(items))]
    assert whole == items  # transform=None keeps managedFields
    tagged = informer(transform=lambda o: {**o, "tag": 1})
    assert all(g[1]["tag"] == 1 for g in stored(tagged, page(items)))


def test_table_rows() -> None:
    rows = [{"cells": ["a", 1], "object": {"metadata": {"name": "a", "namespace": "ns"}}}] * 2
    body = orjson.dumps(
        {
            "kind": "Table",
            "metadata": {"resourceVersion": "3"},
            "columnDefinitions": [],
            "rows": rows,
        }
    )
    head, entries = informer(table=True).decode_page(body, table=True)
    assert head["metadata"] == {"resourceVersion": "3"} and "rows" not in head
    assert [orjson.loads(e.raw) for _, e in entries] == rows


def test_cut_leaves_arrays_it_cannot_read_safely() -> None:
    # a "]" in a string, a nested array, an escaped backslash: left whole
    unsafe = [{"a": 'x]y"'}], [[1]], [{"a": "\\"}]
    body = orjson.dumps([{"managedFields": value} for value in unsafe])
    assert cut_managed_fields(body) == (body, 0)
    body = orjson.dumps({"managedFields": [{"k": 'a"{b}'}], "b": {"managedFields": []}})
    cut, count = cut_managed_fields(body)
    assert count == 2
    assert orjson.loads(cut) == {"managedFields": "ktui:cut", "b": {"managedFields": "ktui:cut"}}


def test_peek_list_metadata() -> None:
    assert peek_list_metadata(page([pod("a")], cont="t0k")) == {
        "resourceVersion": "9",
        "continue": "t0k",
    }
    assert peek_list_metadata(page([pod("a")], pretty=True)) is None
    items_first = orjson.dumps({"items": [pod("a")], "metadata": {"continue": "x"}})
    assert peek_list_metadata(items_first) is None
    odd = orjson.dumps({"kind": "L", "metadata": {"continue": "a}b"}, "items": []})
    assert peek_list_metadata(odd) is None  # not a guess: decode instead


async def test_next_page_is_requested_before_this_one_is_handed_out() -> None:
    server = ScriptedServer(
        httpx.Response(200, content=page([pod("a")], cont="p2")),
        httpx.Response(200, content=page([pod("b")], cont="p3", pretty=True)),
        httpx.Response(200, content=page([pod("c")])),
    )
    client = server.client()
    pages = client.bind(CONFIGMAPS).raw_pages(limit=1)
    await anext(pages)
    assert len(server.requests) == 2 and server.params(1)["continue"] == "p2"
    await anext(pages)  # not compact: its token is found by decoding it
    assert len(server.requests) == 3 and server.params(2)["continue"] == "p3"
    assert "resourceVersion" not in server.params(2)
    await anext(pages)
    with pytest.raises(StopAsyncIteration):
        await anext(pages)
    await client.aclose()


async def test_stopping_early_cancels_the_request_in_flight() -> None:
    server = ScriptedServer(
        httpx.Response(200, content=page([pod("a")], cont="p2")),
        httpx.ConnectError("never asked for"),
    )
    client = server.client()
    pages = client.bind(CONFIGMAPS).raw_pages(limit=1)
    await anext(pages)
    await pages.aclose()  # the failed prefetch is dropped, not raised or warned about
    await client.aclose()
