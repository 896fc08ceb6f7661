"""Strategic merge patch refusals: the codes and texts kube-apiserver answers with."""

from __future__ import annotations

from typing import Any

import pytest

from engine.api.patch import (
    InvalidPatchError,
    PatchApplyError,
    PatchError,
    StrategicMergeError,
    UnsupportedPatchTypeError,
    apply_strategic_merge_patch,
    builtin_patch_meta,
)

POD_META = builtin_patch_meta("", "Pod")
POD = {
    "metadata": {"name": "p", "finalizers": ["f1"]},
    "spec": {"containers": [{"name": "c", "image": "nginx"}]},
}


def refusal(patch: Any, obj: Any = POD, meta: Any = POD_META) -> PatchError:
    with pytest.raises(PatchError) as info:
        apply_strategic_merge_patch(obj, patch, meta)
    return info.value


def test_missing_merge_key_is_a_reasonless_500() -> None:
    err = refusal({"spec": {"containers": [{"image": "nginx:2"}]}})
    assert isinstance(err, StrategicMergeError)
    assert err.message == "map: map[image:nginx:2] does not contain declared merge key: name"
    assert err.body() == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": "map: map[image:nginx:2] does not contain declared merge key: name",
        "code": 500,
    }


def test_live_item_without_merge_key_fails_the_merge() -> None:
    broken = {"spec": {"containers": [{"image": "orphan"}]}}
    err = refusal({"spec": {"containers": [{"name": "c"}]}}, broken)
    assert err.message == "map: map[image:orphan] does not contain declared merge key: name"


@pytest.mark.parametrize(
    ("patch", "code", "message"),
    [
        (
            {"spec": {"containers": [{"$patch": "merge", "name": "c"}]}},
            500,
            "merging lists cannot yet be specified in the patch",
        ),
        (
            {"spec": {"containers": [{"$patch": "frob", "name": "c"}]}},
            500,
            "unknown patch type: frob in map: map[$patch:frob name:c]",
        ),
        (
            {"spec": {"$patch": "merge", "a": 1}},
            500,
            "unknown patch type: merge in map: map[$patch:merge a:1]",
        ),
        (
            {"spec": {"containers": [{"$patch": "delete"}]}},
            500,
            "map: map[$patch:delete] does not contain declared merge key: name",
        ),
        ({"spec": {"$retainKeys": "containers"}}, 400, "invalid patch format of retainKeys"),
        (
            {"spec": {"$retainKeys": ["containers"], "hostname": "h"}},
            400,
            "invalid patch format of retainKeys",
        ),
        (
            {"spec": {"$setElementOrder": [{"name": "c"}]}},
            400,
            "invalid patch format of setElementOrder list",
        ),
        (
            {"metadata": {"$deleteFromPrimitiveListX/finalizers": ["f1"]}},
            400,
            "invalid patch format of primitive list",
        ),
        (
            {"spec": {"$setElementOrder/containers": "c"}},
            500,
            "expected a []interface {}, but received a string",
        ),
        (
            {"spec": {"$setElementOrder/containers": [{"name": "c"}], "containers": None}},
            500,
            "expected a []interface {}, but received a %!s(<nil>)",
        ),
        (
            {
                "spec": {
                    "$setElementOrder/containers": [{"name": "x"}],
                    "containers": [{"name": "c", "image": "b"}],
                }
            },
            500,
            "the order in patch list:\n[map[image:b name:c]]\n doesn't match $setElementOrder "
            "list:\n[map[name:x]]",
        ),
        (
            {"metadata": {"finalizers": [["f2"]]}},
            500,
            "list element types are not identical: [[f1] [[f2]]]",
        ),
        (
            {"metadata": {"finalizers": [{"x": 1.5}]}},
            500,
            "list element types are not identical: [[f1] [map[x:1.5]]]",
        ),
        (
            ["not", "an", "object"],
            400,
            "json: cannot unmarshal array into Go value of type map[string]interface {}",
        ),
        (
            "text",
            400,
            "json: cannot unmarshal string into Go value of type map[string]interface {}",
        ),
    ],
)
def test_refusals(patch: Any, code: int, message: str) -> None:
    err = refusal(patch)
    assert (err.code, err.message) == (code, message)


def test_lists_of_lists_use_the_generic_422_status() -> None:
    # Upstream looks at the first item's type only: a live list that starts with a list.
    err = refusal({"metadata": {"finalizers": [["f2"]]}}, {"metadata": {"finalizers": [["f1"]]}})
    assert isinstance(err, PatchApplyError)
    assert err.code == 422
    assert err.reason == "Invalid"
    assert err.details == {
        "causes": [
            {"reason": "UnexpectedServerResponse", "message": "lists of lists are not supported"}
        ]
    }


def test_bad_directives_are_bad_requests() -> None:
    err = refusal({"spec": {"$retainKeys": 3}})
    assert isinstance(err, InvalidPatchError)
    assert err.body()["reason"] == "BadRequest"


def test_custom_resources_have_no_strategic_merge_patch() -> None:
    with pytest.raises(UnsupportedPatchTypeError) as info:
        apply_strategic_merge_patch({"spec": {}}, {"spec": {"a": 1}}, None)
    assert info.value.body() == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": "the body of the request was in an unknown format - accepted media types "
        "include: application/json-patch+json, application/merge-patch+json, "
        "application/apply-patch+yaml",
        "reason": "UnsupportedMediaType",
        "code": 415,
    }
