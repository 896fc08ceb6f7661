"""`apply_patch`: the PATCH handler's single entry point, chosen by Content-Type."""

from __future__ import annotations

import pytest

from engine.api.patch import (
    JSON_PATCH,
    MERGE_PATCH,
    STRATEGIC_MERGE_PATCH,
    PatchApplyError,
    PatchTooLargeError,
    UnsupportedPatchTypeError,
    apply_patch,
    builtin_patch_meta,
    json_equal,
    media_type,
)
from engine.api.status import StatusError

POD = {"metadata": {"name": "p", "labels": {"a": "1"}}, "spec": {"containers": [{"name": "c"}]}}
META = builtin_patch_meta("", "Pod")


def test_each_content_type_picks_its_algorithm() -> None:
    containers = {"spec": {"containers": [{"name": "d"}]}}
    # merge patch replaces the list; strategic merges it by name.
    assert apply_patch(MERGE_PATCH, POD, containers, META)["spec"]["containers"] == [{"name": "d"}]
    merged = apply_patch(STRATEGIC_MERGE_PATCH, POD, containers, META)["spec"]["containers"]
    assert merged == [{"name": "d"}, {"name": "c"}]
    ops = [{"op": "replace", "path": "/metadata/labels/a", "value": "2"}]
    assert apply_patch(JSON_PATCH, POD, ops, META)["metadata"]["labels"] == {"a": "2"}


def test_content_type_parameters_are_ignored() -> None:
    assert media_type("Application/Merge-Patch+JSON; charset=utf-8") == MERGE_PATCH
    out = apply_patch("application/merge-patch+json; charset=utf-8", POD, {"x": 1}, META)
    assert out["x"] == 1


def test_too_many_json_patch_operations_is_413() -> None:
    ops = [{"op": "test", "path": "/metadata/name", "value": "p"}] * 10001
    with pytest.raises(PatchTooLargeError) as info:
        apply_patch(JSON_PATCH, POD, ops, META)
    assert info.value.code == 413
    assert (
        info.value.message == "The allowed maximum operations in a JSON patch is 10000, got 10001"
    )
    assert apply_patch(JSON_PATCH, POD, ops[:10000], META) == POD


def test_unknown_content_type_is_415_listing_what_the_kind_accepts() -> None:
    with pytest.raises(UnsupportedPatchTypeError) as info:
        apply_patch("application/json", POD, {}, META)
    assert info.value.message.endswith(
        "application/json-patch+json, application/merge-patch+json, "
        "application/strategic-merge-patch+json, application/apply-patch+yaml"
    )
    with pytest.raises(UnsupportedPatchTypeError) as info:
        apply_patch(STRATEGIC_MERGE_PATCH, POD, {}, None)
    assert "strategic" not in info.value.message


def test_a_result_that_is_not_an_object_is_422() -> None:
    with pytest.raises(PatchApplyError):
        apply_patch(JSON_PATCH, POD, [{"op": "replace", "path": "", "value": [1]}], META)


def test_errors_are_status_errors_the_api_layer_can_raise_as_is() -> None:
    with pytest.raises(StatusError):
        apply_patch(JSON_PATCH, POD, [{"op": "remove", "path": "/nope"}], META)


def test_a_noop_patch_gives_an_equal_object() -> None:
    # The handler compares with json_equal to skip the write (no resourceVersion bump).
    same = apply_patch(STRATEGIC_MERGE_PATCH, POD, {"metadata": {"labels": {"a": "1"}}}, META)
    assert json_equal(same, POD)
    assert json_equal(apply_patch(MERGE_PATCH, POD, {"metadata": {"annotations": None}}, META), POD)
    flag = {"spec": {"paused": True}}
    changed = apply_patch(MERGE_PATCH, flag, {"spec": {"paused": 1}}, META)
    assert changed == flag  # Python's == misses the change from true to 1
    assert not json_equal(changed, flag)


def test_server_side_apply_is_not_routed_here() -> None:
    with pytest.raises(ValueError):
        apply_patch("application/apply-patch+yaml", POD, {}, META)
