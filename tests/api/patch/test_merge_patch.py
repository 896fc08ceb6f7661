"""JSON Merge Patch: RFC 7386 appendix A, and what kube-apiserver does with the body."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from engine.api.patch import InvalidPatchError, PatchApplyError, apply_merge_patch, merge_patch

# (original, patch, result), RFC 7386 appendix A, in order.
RFC_7386_APPENDIX: list[tuple[Any, Any, Any]] = [
    ({"a": "b"}, {"a": "c"}, {"a": "c"}),
    ({"a": "b"}, {"b": "c"}, {"a": "b", "b": "c"}),
    ({"a": "b"}, {"a": None}, {}),
    ({"a": "b", "b": "c"}, {"a": None}, {"b": "c"}),
    ({"a": ["b"]}, {"a": "c"}, {"a": "c"}),
    ({"a": "c"}, {"a": ["b"]}, {"a": ["b"]}),
    ({"a": {"b": "c"}}, {"a": {"b": "d", "c": None}}, {"a": {"b": "d"}}),
    ({"a": [{"b": "c"}]}, {"a": [1]}, {"a": [1]}),
    (["a", "b"], ["c", "d"], ["c", "d"]),
    ({"a": "b"}, ["c"], ["c"]),
    ({"a": "foo"}, None, None),
    ({"a": "foo"}, "bar", "bar"),
    ({"e": None}, {"a": 1}, {"e": None, "a": 1}),
    ([1, 2], {"a": "b", "c": None}, {"a": "b"}),
    ({}, {"a": {"bb": {"ccc": None}}}, {"a": {"bb": {}}}),
]


@pytest.mark.parametrize(("original", "patch", "result"), RFC_7386_APPENDIX)
def test_rfc_7386_appendix(original: Any, patch: Any, result: Any) -> None:
    assert merge_patch(original, patch) == result


POD = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "p", "labels": {"app": "web", "tier": "fe"}},
    "spec": {"containers": [{"name": "c", "image": "nginx"}]},
}


def test_label_added_and_removed_like_kubectl_label() -> None:
    out = apply_merge_patch(POD, {"metadata": {"labels": {"tier": None, "env": "prod"}}})
    assert out["metadata"]["labels"] == {"app": "web", "env": "prod"}
    assert out["spec"] == POD["spec"]


def test_scale_patch_sets_replicas() -> None:
    scale = {"kind": "Scale", "spec": {"replicas": 1}, "status": {"replicas": 1}}
    assert apply_merge_patch(scale, {"spec": {"replicas": 3}})["spec"] == {"replicas": 3}


def test_lists_are_replaced_whole() -> None:
    out = apply_merge_patch(POD, {"spec": {"containers": [{"name": "d", "image": "redis"}]}})
    assert out["spec"]["containers"] == [{"name": "d", "image": "redis"}]


def test_null_members_of_new_values_are_dropped_at_any_depth() -> None:
    # json-patch v4 prunes nulls also inside objects within arrays; the RFC keeps those.
    patch = {"spec": {"volumes": [{"name": "v", "emptyDir": None}, None]}}
    assert apply_merge_patch(POD, patch)["spec"]["volumes"] == [{"name": "v"}, None]
    assert merge_patch(POD, patch)["spec"]["volumes"] == [{"name": "v", "emptyDir": None}, None]


def test_deleting_a_missing_member_is_a_noop() -> None:
    assert apply_merge_patch(POD, {"metadata": {"annotations": None}}) == POD


@pytest.mark.parametrize("body", [None, "text", 5, True])
def test_null_or_scalar_body_is_400(body: Any) -> None:
    with pytest.raises(InvalidPatchError) as info:
        apply_merge_patch(POD, body)
    assert (info.value.code, info.value.message) == (400, "Invalid JSON Patch")


def test_array_body_is_422() -> None:
    with pytest.raises(PatchApplyError) as info:
        apply_merge_patch(POD, [{"a": 1}])
    assert info.value.code == 422


def test_inputs_are_never_modified_or_shared() -> None:
    document = copy.deepcopy(POD)
    patch = {"metadata": {"labels": {"x": "y"}, "annotations": {"a": {"deep": 1}}}}
    patch_before = copy.deepcopy(patch)
    out = apply_merge_patch(document, patch)
    out_rfc = merge_patch(document, patch)
    assert document == POD
    assert patch == patch_before
    out["metadata"]["annotations"]["a"]["deep"] = 2
    out_rfc["metadata"]["annotations"]["a"]["deep"] = 3
    assert patch == patch_before
