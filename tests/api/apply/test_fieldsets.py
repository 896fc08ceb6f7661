"""Field sets, FieldsV1 and merging, checked against what kube-apiserver produces."""

from __future__ import annotations

import pytest

from engine.api.fieldpath import (
    ZERO,
    FieldSet,
    InvalidValue,
    compare,
    merge,
    path_string,
    remove_items,
    root_node,
    to_field_set,
)

DEPLOYMENT = root_node("apps", "v1", "Deployment")
POD = root_node("", "v1", "Pod")


def pod(*containers: dict, **meta) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p", **meta},
        "spec": {"containers": list(containers)},
    }


def test_containers_by_name_ports_by_port_and_protocol() -> None:
    obj = pod(
        {"name": "web", "image": "nginx", "ports": [{"containerPort": 8080}, {"containerPort": 80}]}
    )
    fields = to_field_set(obj, POD).to_fields_v1()
    container = fields["f:spec"]["f:containers"]['k:{"name":"web"}']
    # ports are keyed by containerPort and protocol (defaulted), ordered numerically
    assert list(container["f:ports"]) == [
        'k:{"containerPort":80,"protocol":"TCP"}',
        'k:{"containerPort":8080,"protocol":"TCP"}',
    ]
    assert container["."] == {} and container["f:image"] == {}


def test_sets_and_atomic_values() -> None:
    obj = pod({"name": "a", "image": "x", "command": ["sh", "-c"]}, finalizers=["b", "a"])
    fields = to_field_set(obj, POD).to_fields_v1()
    assert fields["f:metadata"]["f:finalizers"] == {'v:"a"': {}, 'v:"b"': {}}
    # command is an atomic list: one leaf
    assert fields["f:spec"]["f:containers"]['k:{"name":"a"}']["f:command"] == {}
    # LabelSelector is an atomic map
    dep = {"spec": {"selector": {"matchLabels": {"a": "b"}}}}
    assert to_field_set(dep, DEPLOYMENT).to_fields_v1() == {"f:spec": {"f:selector": {}}}


def test_fields_v1_round_trip_and_paths() -> None:
    data = {
        "f:metadata": {"f:labels": {".": {}, "f:app": {}}},
        "f:spec": {"f:containers": {'k:{"name":"web"}': {".": {}, "f:image": {}}}},
    }
    fs = FieldSet.from_fields_v1(data)
    assert fs.to_fields_v1() == data
    assert [path_string(p) for p in fs.paths()] == [
        ".metadata.labels",
        ".metadata.labels.app",
        '.spec.containers[name="web"]',
        '.spec.containers[name="web"].image',
    ]


def test_created_objects_record_added_maps_and_items() -> None:
    obj = pod(
        {"name": "web", "image": "nginx", "env": [{"name": "A", "value": "1"}]}, labels={"a": "b"}
    )
    added = compare(ZERO, obj, POD).added.to_fields_v1()
    assert added["f:metadata"]["f:labels"] == {".": {}, "f:a": {}}
    containers = added["f:spec"]["f:containers"]
    assert "." not in containers  # the zero Pod has `containers: null`
    assert containers['k:{"name":"web"}']["f:env"]["."] == {}


def test_compare_modified_and_removed() -> None:
    old = pod({"name": "web", "image": "a"}, labels={"x": "1", "y": "2"})
    new = pod({"name": "web", "image": "b"}, labels={"x": "1"})
    cmp = compare(old, new, POD)
    assert [path_string(p) for p in cmp.modified.paths()] == ['.spec.containers[name="web"].image']
    assert [path_string(p) for p in cmp.removed.paths()] == [".metadata.labels.y"]
    assert cmp.added.empty()


def test_merge_keyed_lists_keeps_live_items_and_order() -> None:
    live = pod({"name": "a", "image": "1"}, {"name": "b", "image": "2", "tty": True})
    config = pod({"name": "b", "image": "3"}, {"name": "c", "image": "4"})
    merged = merge(live, config, POD)
    assert merged["spec"]["containers"] == [
        {"name": "a", "image": "1"},
        {"name": "b", "image": "3", "tty": True},
        {"name": "c", "image": "4"},
    ]


def test_merge_replaces_atomic_lists_and_unions_sets() -> None:
    live = pod({"name": "a", "command": ["x", "y"]}, finalizers=["f1"])
    config = pod({"name": "a", "command": ["z"]}, finalizers=["f2"])
    merged = merge(live, config, POD)
    assert merged["spec"]["containers"][0]["command"] == ["z"]
    assert merged["metadata"]["finalizers"] == ["f1", "f2"]


def test_untyped_kinds_treat_lists_as_atomic() -> None:
    root = root_node("example.com", "v1", "Widget")
    live = {"spec": {"items": [1, 2], "m": {"a": 1}}}
    merged = merge(live, {"spec": {"items": [3], "m": {"b": 2}}}, root)
    assert merged == {"spec": {"items": [3], "m": {"a": 1, "b": 2}}}
    assert to_field_set(live, root).to_fields_v1() == {
        "f:spec": {".": {}, "f:items": {}, "f:m": {".": {}, "f:a": {}}}
    }


def test_remove_items_drops_emptied_maps() -> None:
    obj = pod({"name": "a", "image": "x"}, labels={"only": "1"})
    gone = remove_items(obj, FieldSet.of(("f:metadata", "f:labels", "f:only")), POD)
    assert "labels" not in gone["metadata"]


def test_items_without_their_key_are_refused() -> None:
    with pytest.raises(InvalidValue, match='omits key field "name"'):
        to_field_set(pod({"image": "x"}), POD)
    with pytest.raises(InvalidValue, match="duplicate entries"):
        merge(pod({"name": "a"}), pod({"name": "a"}, {"name": "a"}), POD)
