"""decode_lean_table: Table pages straight into lean rows, the same rows as a whole decode
cut down by lean_row, whatever the page holds."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from ktui.client.tables import KEPT_METADATA, TableRow, decode_lean_table, lean_row


def row(name: str, ns: str = "ns", **meta: Any) -> dict[str, Any]:
    metadata = {
        "name": name,
        "namespace": ns,
        "uid": f"uid-{name}",
        "resourceVersion": "12",
        "creationTimestamp": "2026-01-01T00:00:00Z",
        "labels": {"app": name},
        "annotations": {"big": "x" * 100},
        "managedFields": [{"manager": "kubectl", "fieldsV1": {"f:metadata": {"f:labels": {}}}}],
        **meta,
    }
    return {
        "cells": [name, "1/1", "Running", 0, "5m"],
        "object": {
            "kind": "PartialObjectMetadata",
            "apiVersion": "meta.k8s.io/v1",
            "metadata": metadata,
        },
    }


def page(rows: list[Any], **extra: Any) -> bytes:
    return orjson.dumps(
        {
            "kind": "Table",
            "apiVersion": "meta.k8s.io/v1",
            "metadata": {"resourceVersion": "40", "continue": "abc"},
            "columnDefinitions": [{"name": "Name", "type": "string", "priority": 0}],
            "rows": rows,
            **extra,
        }
    )


def slow(body: bytes) -> tuple[dict[str, Any], list[TableRow]]:
    whole = orjson.loads(body)
    return whole, [lean_row(r) for r in whole.pop("rows") or []]


OWNED = row(
    "owned",
    ownerReferences=[{"kind": "ReplicaSet", "name": "web-1", "uid": "u", "controller": True}],
    deletionTimestamp="2026-01-02T00:00:00Z",
)
CASES = {
    "usual": [row("a"), row("b", "other")],
    "owners and deletion": [OWNED],
    "no object (includeObject=None)": [{"cells": ["a", 1]}, {"cells": ["b"], "object": None}],
    "object without metadata": [{"cells": ["a"], "object": {"kind": "Pod"}}],
    "nulls": [row("a", labels=None, deletionTimestamp=None)],
    "unexpected types (slow path)": [row("a", labels={"n": 1}), row("b", uid=7)],
    "empty": [],
}


@pytest.mark.parametrize("rows", CASES.values(), ids=list(CASES))
def test_same_rows_as_a_whole_decode_cut_by_lean_row(rows: list[Any]) -> None:
    body = page(rows)
    head, lean = decode_lean_table(body)
    want_head, want = slow(body)
    assert lean == want
    assert head["metadata"] == want_head["metadata"]
    assert head["columnDefinitions"] == want_head["columnDefinitions"]
    assert head["kind"] == "Table"


def test_only_what_views_read_is_kept() -> None:
    _, [lean] = decode_lean_table(page([OWNED]))
    assert set(lean.metadata) == set(KEPT_METADATA) - {"annotations"}
    assert "managedFields" not in lean.metadata and "annotations" not in lean.metadata
    assert (lean.name, lean.namespace, lean.uid) == ("owned", "ns", "uid-owned")
    assert lean.cells == ["owned", "1/1", "Running", 0, "5m"]
    assert lean.object["kind"] == "PartialObjectMetadata"


def test_a_page_without_rows_and_a_broken_page() -> None:
    head, rows = decode_lean_table(b'{"kind":"Table","metadata":{"resourceVersion":"3"}}')
    assert rows == [] and head["metadata"] == {"resourceVersion": "3"}
    with pytest.raises(orjson.JSONDecodeError):
        decode_lean_table(b'{"kind":"Table","rows":[')
    with pytest.raises(orjson.JSONDecodeError):
        decode_lean_table(b"[1, 2]")
