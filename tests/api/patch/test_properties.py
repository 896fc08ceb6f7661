"""Properties that hold for any input, checked with hypothesis."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.api.patch import (
    EMPTY_META,
    PatchError,
    apply_json_patch,
    apply_merge_patch,
    apply_strategic_merge_patch,
    builtin_patch_meta,
    merge_patch,
)
from engine.api.patch.jsonvalue import json_equal
from engine.api.patch.pointer import escape_token

KEYS = st.text(alphabet="ab/~.-", max_size=3)
SCALARS = (
    st.booleans()
    | st.integers(-5, 5)
    | st.floats(-2, 2, allow_nan=False)
    | st.text("xyz", max_size=2)
)
PLAIN = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=3),
    max_leaves=12,
)
OBJECTS = st.dictionaries(KEYS, PLAIN, max_size=4)
PATCH_VALUES = st.deferred(
    lambda: (
        st.none()
        | SCALARS
        | st.lists(PLAIN, max_size=3)
        | st.dictionaries(KEYS, PATCH_VALUES, max_size=3)
    )
)
PATCHES = st.dictionaries(KEYS, PATCH_VALUES, max_size=4)


def create_merge_patch(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """The merge patch that turns `a` into `b` (b holds no nulls)."""
    patch: dict[str, Any] = {k: None for k in a if k not in b}
    for key, value in b.items():
        if key in a and json_equal(a[key], value):
            continue
        if isinstance(value, dict) and isinstance(a.get(key), dict):
            patch[key] = create_merge_patch(a[key], value)
        else:
            patch[key] = value
    return patch


@given(OBJECTS, OBJECTS)
def test_merge_patch_of_the_difference_reproduces_the_target(a: Any, b: Any) -> None:
    patch = create_merge_patch(a, b)
    assert merge_patch(a, patch) == b
    assert apply_merge_patch(a, patch) == b


@given(OBJECTS, PATCHES)
def test_strategic_patch_without_metadata_is_a_merge_patch(original: Any, patch: Any) -> None:
    # With no merge lists and no directives, SMP's rules are RFC 7386's.
    before = copy.deepcopy((original, patch))
    assert apply_strategic_merge_patch(original, patch, EMPTY_META) == merge_patch(original, patch)
    assert (original, patch) == before


@given(OBJECTS, st.text(max_size=4), PLAIN)
def test_json_patch_add_test_remove_round_trip(document: Any, key: str, value: Any) -> None:
    document.pop(key, None)
    path = "/" + escape_token(key)
    patch = [
        {"op": "add", "path": path, "value": value},
        {"op": "test", "path": path, "value": value},
        {"op": "remove", "path": path},
    ]
    assert apply_json_patch(document, patch) == document


OPS = st.fixed_dictionaries(
    {
        "op": st.sampled_from(["add", "remove", "replace", "move", "copy", "test", "bogus"]),
        "path": st.sampled_from(["", "/a", "/a/0", "/a/-", "/b", "/b/c", "/a/1/x", "/zz"]),
    },
    optional={"from": st.sampled_from(["/a", "/a/0", "/b", "/b/c"]), "value": PLAIN},
)


@settings(max_examples=300)
@given(OBJECTS, st.lists(OPS, max_size=5))
def test_json_patch_never_mutates_its_inputs(document: Any, ops: list[dict[str, Any]]) -> None:
    document = {"a": [1, {"x": 2}], "b": {"c": [3]}, **document}
    before = copy.deepcopy((document, ops))
    try:
        result = apply_json_patch(document, ops)
    except PatchError:
        result = None
    assert (document, ops) == before
    if isinstance(result, dict) and isinstance(result.get("b"), dict):
        result["b"]["mutated"] = True  # the result shares nothing with the inputs
        assert (document, ops) == before


NAMES = ["a", "b", "c", "d", "e", "f"]
POD_META = builtin_patch_meta("", "Pod")


def _live(names: list[str]) -> dict[str, Any]:
    containers = [{"name": n, "image": f"{n}:live", "extra": n} for n in names]
    return {"spec": {"containers": containers}}


def _names(obj: dict[str, Any]) -> list[str]:
    return [c["name"] for c in obj["spec"]["containers"]]


def _subsequence(seq: list[str], keep: set[str]) -> list[str]:
    return [x for x in seq if x in keep]


@settings(max_examples=300)
@given(
    st.lists(st.sampled_from(NAMES), unique=True, max_size=5),
    st.lists(
        st.tuples(st.sampled_from(NAMES), st.booleans()), unique_by=lambda t: t[0], max_size=5
    ),
)
def test_containers_merge_by_name(live_names: list[str], changes: list[tuple[str, bool]]) -> None:
    live = _live(live_names)
    items = [
        {"name": n, "$patch": "delete"} if delete else {"name": n, "image": f"{n}:new"}
        for n, delete in changes
    ]
    patch = {"spec": {"containers": items}}
    before = copy.deepcopy((live, patch))
    out = apply_strategic_merge_patch(live, patch, POD_META)
    assert (live, patch) == before
    deleted = {n for n, d in changes if d}
    updated = [n for n, d in changes if not d]
    names = _names(out)
    assert len(names) == len(set(names))
    assert set(names) == (set(live_names) - deleted) | set(updated)
    # Patch items keep the patch's order, server-only items keep the live order.
    assert _subsequence(names, set(updated)) == updated
    server_only = set(live_names) - deleted - set(updated)
    assert _subsequence(names, server_only) == _subsequence(live_names, server_only)
    for container in out["spec"]["containers"]:
        n = container["name"]
        assert container["image"] == (f"{n}:new" if n in updated else f"{n}:live")
        assert container.get("extra") == (n if n in live_names else None)
    assert apply_strategic_merge_patch(out, patch, POD_META) == out  # idempotent


@settings(max_examples=300)
@given(
    st.lists(st.sampled_from(NAMES), unique=True, max_size=5),
    st.permutations(NAMES),
    st.integers(0, 6),
    st.sets(st.sampled_from(NAMES)),
)
def test_set_element_order_is_honoured(
    live_names: list[str], manifest_order: list[str], size: int, changed: set[str]
) -> None:
    # kubectl apply: the manifest lists `order`; only changed or new items carry content.
    order = manifest_order[:size]
    items = [{"name": n, "image": "new"} for n in order if n in changed or n not in live_names]
    patch = {
        "spec": {
            "$setElementOrder/containers": [{"name": n} for n in order],
            "containers": items,
        }
    }
    out = apply_strategic_merge_patch(_live(live_names), patch, POD_META)
    names = _names(out)
    assert set(names) == set(live_names) | set(order)
    assert _subsequence(names, set(order)) == order
    server_only = set(live_names) - set(order)
    assert _subsequence(names, server_only) == _subsequence(live_names, server_only)
