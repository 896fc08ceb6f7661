"""The meta.k8s.io/v1 Table document and the includeObject parameter."""

from __future__ import annotations

import orjson
import pytest

from engine.api.printers import IncludeObjectError, row, table

from .fixtures import NOW, pod, running


def test_table_shape() -> None:
    obj = pod(containerStatuses=[running()])
    t = table("", "v1", "Pod", [obj], NOW)
    assert list(t) == ["kind", "apiVersion", "metadata", "columnDefinitions", "rows"]
    assert (t["kind"], t["apiVersion"], t["metadata"]) == ("Table", "meta.k8s.io/v1", {})
    assert len(t["columnDefinitions"]) == 9
    assert t["rows"][0] == {
        "cells": [
            "web-1",
            "1/1",
            "Running",
            "0",
            "60m",
            "10.244.0.5",
            "node-a",
            "<none>",
            "<none>",
        ],
        "object": {
            "kind": "PartialObjectMetadata",
            "apiVersion": "meta.k8s.io/v1",
            "metadata": obj["metadata"],
        },
    }
    orjson.dumps(t)  # plain JSON all the way down


def test_include_object_modes() -> None:
    obj = pod()
    full = row("", "v1", "Pod", obj, NOW, include_object="Object")["object"]
    assert full == obj
    bare = {k: v for k, v in obj.items() if k not in ("apiVersion", "kind")}
    assert row("", "v1", "Pod", bare, NOW, include_object="Object")["object"]["kind"] == "Pod"
    assert (
        row("apps", "v1", "Deployment", {"metadata": {"name": "d"}}, NOW, include_object="Object")[
            "object"
        ]["apiVersion"]
        == "apps/v1"
    )
    assert row("", "v1", "Pod", obj, NOW, include_object="None")["object"] is None
    assert row("", "v1", "Pod", obj, NOW, include_object="")["object"]["kind"] == (
        "PartialObjectMetadata"
    )
    with pytest.raises(IncludeObjectError) as caught:
        table("", "v1", "Pod", [obj], NOW, include_object="Everything")
    assert caught.value.message == 'unrecognized includeObject value: "Everything"'


def test_no_headers_and_empty_lists() -> None:
    t = table("", "v1", "Pod", [], NOW, no_headers=True)
    assert t["columnDefinitions"] is None
    assert t["rows"] == []
