"""JSON Patch: RFC 6902 appendix A, and kube-apiserver's behaviour and messages."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from engine.api.patch import (
    InvalidPatchError,
    PatchApplyError,
    PatchTestFailedError,
    apply_json_patch,
)

# (document, patch, result) from RFC 6902 appendix A; result None means an error.
RFC_6902_APPENDIX: dict[str, tuple[Any, list[dict[str, Any]], Any]] = {
    "A.1 adding an object member": (
        {"foo": "bar"},
        [{"op": "add", "path": "/baz", "value": "qux"}],
        {"baz": "qux", "foo": "bar"},
    ),
    "A.2 adding an array element": (
        {"foo": ["bar", "baz"]},
        [{"op": "add", "path": "/foo/1", "value": "qux"}],
        {"foo": ["bar", "qux", "baz"]},
    ),
    "A.3 removing an object member": (
        {"baz": "qux", "foo": "bar"},
        [{"op": "remove", "path": "/baz"}],
        {"foo": "bar"},
    ),
    "A.4 removing an array element": (
        {"foo": ["bar", "qux", "baz"]},
        [{"op": "remove", "path": "/foo/1"}],
        {"foo": ["bar", "baz"]},
    ),
    "A.5 replacing a value": (
        {"baz": "qux", "foo": "bar"},
        [{"op": "replace", "path": "/baz", "value": "boo"}],
        {"baz": "boo", "foo": "bar"},
    ),
    "A.6 moving a value": (
        {"foo": {"bar": "baz", "waldo": "fred"}, "qux": {"corge": "grault"}},
        [{"op": "move", "from": "/foo/waldo", "path": "/qux/thud"}],
        {"foo": {"bar": "baz"}, "qux": {"corge": "grault", "thud": "fred"}},
    ),
    "A.7 moving an array element": (
        {"foo": ["all", "grass", "cows", "eat"]},
        [{"op": "move", "from": "/foo/1", "path": "/foo/3"}],
        {"foo": ["all", "cows", "eat", "grass"]},
    ),
    "A.8 testing a value: success": (
        {"baz": "qux", "foo": ["a", 2, "c"]},
        [
            {"op": "test", "path": "/baz", "value": "qux"},
            {"op": "test", "path": "/foo/1", "value": 2},
        ],
        {"baz": "qux", "foo": ["a", 2, "c"]},
    ),
    "A.9 testing a value: error": (
        {"baz": "qux"},
        [{"op": "test", "path": "/baz", "value": "bar"}],
        None,
    ),
    "A.10 adding a nested member object": (
        {"foo": "bar"},
        [{"op": "add", "path": "/child", "value": {"grandchild": {}}}],
        {"foo": "bar", "child": {"grandchild": {}}},
    ),
    "A.11 ignoring unrecognized elements": (
        {"foo": "bar"},
        [{"op": "add", "path": "/baz", "value": "qux", "xyz": 123}],
        {"foo": "bar", "baz": "qux"},
    ),
    "A.12 adding to a nonexistent target": (
        {"foo": "bar"},
        [{"op": "add", "path": "/baz/bat", "value": "qux"}],
        None,
    ),
    # A.13's duplicate "op" member decodes (last one wins) to a remove of a missing member.
    "A.13 invalid JSON patch document": (
        {"foo": "bar"},
        [{"op": "remove", "path": "/baz", "value": "qux"}],
        None,
    ),
    "A.14 ~ escape ordering": (
        {"/": 9, "~1": 10},
        [{"op": "test", "path": "/~01", "value": 10}],
        {"/": 9, "~1": 10},
    ),
    "A.15 comparing strings and numbers": (
        {"/": 9, "~1": 10},
        [{"op": "test", "path": "/~01", "value": "10"}],
        None,
    ),
    "A.16 adding an array value": (
        {"foo": ["bar"]},
        [{"op": "add", "path": "/foo/-", "value": ["abc", "def"]}],
        {"foo": ["bar", ["abc", "def"]]},
    ),
}


@pytest.mark.parametrize("name", sorted(RFC_6902_APPENDIX))
def test_rfc_6902_appendix(name: str) -> None:
    document, patch, expected = RFC_6902_APPENDIX[name]
    if expected is None:
        with pytest.raises(PatchApplyError):
            apply_json_patch(document, patch)
    else:
        assert apply_json_patch(document, patch) == expected


def _detail(document: Any, patch: list[dict[str, Any]]) -> str:
    with pytest.raises(PatchApplyError) as info:
        apply_json_patch(document, patch)
    return info.value.detail


DEPLOY = {"metadata": {"name": "d", "labels": {"app": "d"}}, "spec": {"replicas": 2}}


def test_failed_test_has_kube_message_and_status() -> None:
    with pytest.raises(PatchTestFailedError) as info:
        apply_json_patch(DEPLOY, [{"op": "test", "path": "/spec/replicas", "value": 3}])
    assert info.value.detail == "testing value /spec/replicas failed: test failed"
    assert info.value.body() == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": "the server rejected our request due to an error in our request",
        "reason": "Invalid",
        "details": {
            "causes": [
                {
                    "reason": "UnexpectedServerResponse",
                    "message": "testing value /spec/replicas failed: test failed",
                }
            ]
        },
        "code": 422,
    }


@pytest.mark.parametrize(
    ("patch", "detail"),
    [
        (
            [{"op": "remove", "path": "/metadata/labels/x"}],
            "error in remove for path: '/metadata/labels/x': "
            "Unable to remove nonexistent key: x: missing value",
        ),
        (
            [{"op": "add", "path": "/spec/template/spec", "value": {}}],
            'add operation does not apply: doc is missing path: "/spec/template/spec"',
        ),
        (
            [{"op": "replace", "path": "/status/x", "value": 1}],
            "replace operation does not apply: doc is missing path: /status/x",
        ),
        ([{"op": "frobnicate", "path": "/a"}], "Unexpected kind: frobnicate"),
        ([{"path": "/a"}], "Unexpected kind: unknown"),
        ([{"op": "add", "value": 1}], "add operation failed to decode path: missing value"),
        (
            [{"op": "replace", "value": 1}],
            "replace operation failed to decode path: operation missing path field: missing value",
        ),
        (
            [{"op": "test", "path": 5, "value": 1}],
            "test operation failed to decode path: "
            "json: cannot unmarshal number into Go value of type string",
        ),
        (
            [{"op": "move", "path": "/a"}],
            "move operation failed to decode from: operation, missing from field: missing value",
        ),
        (
            [{"op": "copy", "from": "/nope/x", "path": "/a"}],
            "copy operation does not apply: doc is missing from path: /nope/x",
        ),
        (
            [{"op": "move", "from": "/metadata", "path": "/metadata/inner"}],
            "move operation does not apply: doc is missing destination path: /metadata/inner",
        ),
        (
            [{"op": "test", "path": "/nope/deeper", "value": 1}],
            "test operation does not apply: is missing path: /nope/deeper",
        ),
    ],
)
def test_failures_carry_evanphx_messages(patch: list[dict[str, Any]], detail: str) -> None:
    assert _detail(DEPLOY, patch) == detail


LIST_DOC = {"a": ["x", "y", "z"]}


@pytest.mark.parametrize(
    ("patch", "detail"),
    [
        (
            [{"op": "add", "path": "/a/5", "value": 1}],
            "error in add for path: '/a/5': Unable to access invalid index: 5: "
            "invalid index referenced",
        ),
        (
            [{"op": "add", "path": "/a/x", "value": 1}],
            "error in add for path: '/a/x': value was not a proper array index: 'x': "
            'strconv.Atoi: parsing "x": invalid syntax',
        ),
        (
            [{"op": "remove", "path": "/a/3"}],
            "error in remove for path: '/a/3': Unable to access invalid index: 3: "
            "invalid index referenced",
        ),
        (
            [{"op": "remove", "path": "/a/-"}],
            "error in remove for path: '/a/-': strconv.Atoi: parsing \"-\": invalid syntax",
        ),
        (
            [{"op": "replace", "path": "/a/3", "value": 1}],
            "replace operation does not apply: doc is missing key: /a/3: missing value",
        ),
        (
            [{"op": "test", "path": "/a/9", "value": 1}],
            "error in test for path: '/a/9': Unable to access invalid index: 9: "
            "invalid index referenced",
        ),
    ],
)
def test_array_index_failures(patch: list[dict[str, Any]], detail: str) -> None:
    assert _detail(LIST_DOC, patch) == detail


@pytest.mark.parametrize(
    ("patch", "result"),
    [
        ([{"op": "remove", "path": "/a/-1"}], ["x", "y"]),
        ([{"op": "add", "path": "/a/-1", "value": "w"}], ["x", "y", "z", "w"]),
        ([{"op": "add", "path": "/a/-4", "value": "w"}], ["w", "x", "y", "z"]),
        ([{"op": "replace", "path": "/a/-1", "value": "w"}], ["x", "y", "w"]),
        ([{"op": "add", "path": "/a/3", "value": "w"}], ["x", "y", "z", "w"]),
        ([{"op": "add", "path": "/a/-", "value": "w"}], ["x", "y", "z", "w"]),
        ([{"op": "copy", "from": "/a/0", "path": "/a/0"}], ["x", "x", "y", "z"]),
        ([{"op": "move", "from": "/a/0", "path": "/a/-"}], ["y", "z", "x"]),
    ],
)
def test_array_indexes(patch: list[dict[str, Any]], result: list[str]) -> None:
    assert apply_json_patch(LIST_DOC, patch) == {"a": result}


def test_kube_replace_of_missing_member_sets_it() -> None:
    # json-patch v4 (which kube-apiserver uses) only checks array indexes for replace.
    out = apply_json_patch(DEPLOY, [{"op": "replace", "path": "/metadata/labels/x", "value": "y"}])
    assert out["metadata"]["labels"] == {"app": "d", "x": "y"}


def test_kube_copy_from_missing_member_copies_null() -> None:
    out = apply_json_patch(DEPLOY, [{"op": "copy", "from": "/spec/nope", "path": "/spec/x"}])
    assert out["spec"] == {"replicas": 2, "x": None}


def test_pointer_escapes_in_annotation_keys() -> None:
    patch = [
        {"op": "add", "path": "/metadata/labels/example.com~1tier", "value": "web"},
        {"op": "add", "path": "/metadata/labels/a~0b", "value": "tilde"},
    ]
    out = apply_json_patch(DEPLOY, patch)
    assert out["metadata"]["labels"] == {"app": "d", "example.com/tier": "web", "a~b": "tilde"}


def test_path_without_leading_slash_is_missing() -> None:
    assert _detail(DEPLOY, [{"op": "add", "path": "spec/replicas", "value": 1}]) == (
        'add operation does not apply: doc is missing path: "spec/replicas"'
    )


def test_whole_document_replace_and_test() -> None:
    new = {"kind": "ConfigMap"}
    assert apply_json_patch(DEPLOY, [{"op": "replace", "path": "", "value": new}]) == new
    assert apply_json_patch(DEPLOY, [{"op": "test", "path": "", "value": DEPLOY}]) == DEPLOY
    with pytest.raises(PatchTestFailedError):
        apply_json_patch(DEPLOY, [{"op": "test", "path": "", "value": {}}])
    assert _detail(DEPLOY, [{"op": "add", "path": "", "value": {}}]) == (
        'add operation does not apply: doc is missing path: ""'
    )


@pytest.mark.parametrize(
    ("document", "test_value", "passes"),
    [
        ({"a": 1}, True, False),  # JSON true is not 1, though Python says True == 1
        ({"a": True}, 1, False),
        ({"a": 1}, 1.0, True),  # numbers compare by value (RFC 6902 section 4.6)
        ({"a": None}, None, True),
        ({}, None, True),  # a missing member matches null
        ({"a": {"x": [1, {"y": 2}]}}, {"x": [1, {"y": 2}]}, True),
        ({"a": {"x": [1, {"y": 2}]}}, {"x": [{"y": 2}, 1]}, False),
        ({"a": {"x": 1}}, {"x": 1, "y": None}, False),
    ],
)
def test_test_operation_equality(document: Any, test_value: Any, passes: bool) -> None:
    patch = [{"op": "test", "path": "/a", "value": test_value}]
    if passes:
        assert apply_json_patch(document, patch) == document
    else:
        with pytest.raises(PatchTestFailedError):
            apply_json_patch(document, patch)


def test_operations_apply_in_order_and_failure_changes_nothing() -> None:
    document = {"spec": {"replicas": 1}}
    before = copy.deepcopy(document)
    patch = [
        {"op": "replace", "path": "/spec/replicas", "value": 5},
        {"op": "test", "path": "/spec/replicas", "value": 1},
    ]
    with pytest.raises(PatchTestFailedError):
        apply_json_patch(document, patch)
    assert document == before
    patch[1]["value"] = 5
    assert apply_json_patch(document, patch) == {"spec": {"replicas": 5}}


def test_inputs_are_never_modified_or_shared() -> None:
    document = {"spec": {"items": [{"n": 1}]}}
    value = {"n": 2, "deep": {"k": "v"}}
    patch = [
        {"op": "add", "path": "/spec/items/-", "value": value},
        {"op": "add", "path": "/spec/items/1/deep/k2", "value": "v2"},
        {"op": "copy", "from": "/spec/items/0", "path": "/spec/copied"},
    ]
    doc_before, patch_before = copy.deepcopy(document), copy.deepcopy(patch)
    out = apply_json_patch(document, patch)
    assert document == doc_before
    assert patch == patch_before
    assert out["spec"]["items"][1]["deep"] == {"k": "v", "k2": "v2"}
    out["spec"]["copied"]["n"] = 99
    assert out["spec"]["items"][0]["n"] == 1


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"op": "add"}, "json: cannot unmarshal object into Go value of type jsonpatch.Patch"),
        ("x", "json: cannot unmarshal string into Go value of type jsonpatch.Patch"),
        ([1], "json: cannot unmarshal number into Go value of type jsonpatch.Operation"),
        ([[]], "json: cannot unmarshal array into Go value of type jsonpatch.Operation"),
    ],
)
def test_malformed_body_is_400(body: Any, message: str) -> None:
    with pytest.raises(InvalidPatchError) as info:
        apply_json_patch(DEPLOY, body)
    assert (info.value.code, info.value.reason, info.value.message) == (400, "BadRequest", message)


def test_null_body_is_an_empty_patch() -> None:
    assert apply_json_patch(DEPLOY, None) == DEPLOY
    assert apply_json_patch(DEPLOY, []) == DEPLOY
