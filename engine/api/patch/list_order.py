"""The order of a merged list, as strategic merge patch decides it.

Upstream's rule (design proposal "preserve order in strategic merge patch"): split the
merged items into those named by the patch (or by `$setElementOrder`) and those only the
server has; sort the first group by the patch's order and the second by the live order;
then interleave them, placing a server-only item before a patch item only when the live
list had it earlier. An item new to the list therefore lands right after the items the
patch puts before it, and server-only items keep their live neighbours where they can.

Items of a list of maps are identified by their merge key; primitives by their value, with
Go's identity (1, 1.0 and true are three different values).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any

from .errors import (
    NO_LIST_OF_LISTS,
    PatchApplyError,
    StrategicMergeError,
    bad_arg_type,
    no_merge_key,
)
from .gostyle import go_value
from .jsonvalue import go_equal

MAP = "map"
SCALAR = "scalar"
_UNSET = object()


def element_kind(*lists: Sequence[Any]) -> str:
    """MAP or SCALAR; all items must share one JSON type, and lists of lists are refused."""
    first: Any = _UNSET
    for items in lists:
        for item in items:
            if first is _UNSET:
                first = type(item)
                if first is list:
                    raise PatchApplyError(NO_LIST_OF_LISTS)
            elif type(item) is not first:
                raise StrategicMergeError(
                    f"list element types are not identical: {go_value([list(x) for x in lists])}"
                )
    if first is _UNSET:
        raise StrategicMergeError("no elements in any of the given slices")
    return MAP if first is dict else SCALAR


def identity(item: Any, merge_key: str | None) -> Any:
    """What names an item: its merge key's value for maps, the value itself otherwise."""
    if merge_key:
        return item.get(merge_key) if isinstance(item, dict) else None
    return item


def _hashable(value: Any) -> Hashable | None:
    if isinstance(value, (dict, list)):
        return None
    return (type(value), value)


def index_of(order: Sequence[Any], merge_key: str | None) -> Callable[[Any], int]:
    """A function giving the first position of an item's identity in `order`, or -1."""
    positions: dict[Hashable, int] = {}
    for i, item in enumerate(order):
        key = _hashable(identity(item, merge_key))
        if key is not None:
            positions.setdefault(key, i)

    def position(item: Any) -> int:
        ident = identity(item, merge_key)
        key = _hashable(ident)
        if key is not None:
            return positions.get(key, -1)
        for i, other in enumerate(order):  # unhashable identities: compare one by one
            if identity(other, merge_key) == ident:
                return i
        return -1

    return position


def partition(
    merged: Sequence[Any], named: Sequence[Any], merge_key: str | None
) -> tuple[list[Any], list[Any]]:
    """(items named in `named`, items that are not), keeping the merged order."""
    if merge_key:
        for item in merged:
            require_merge_key(item, merge_key)
    position = index_of(named, merge_key)
    inside: list[Any] = []
    outside: list[Any] = []
    for item in merged:
        (inside if position(item) >= 0 else outside).append(item)
    return inside, outside


def require_merge_key(item: Any, merge_key: str) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise bad_arg_type({}, item)
    if merge_key not in item:
        raise no_merge_key(item, merge_key)
    return item


def sort_by(items: list[Any], order: Sequence[Any], merge_key: str | None, kind: str) -> list[Any]:
    """Sort `items` by their position in `order` (stable); `$patch: delete` items go last."""
    deletions: list[Any] = []
    if kind == MAP and merge_key:
        for item in list(items) + list(order):
            require_merge_key(item, merge_key)
        deletions = [i for i in items if i.get("$patch") == "delete"]
        items = [i for i in items if i.get("$patch") != "delete"]
    position = index_of(order, merge_key)
    ranks = [position(item) for item in items]
    if all(r >= 0 for r in ranks):
        ordered = [
            item for _, item in sorted(zip(ranks, items, strict=True), key=lambda pair: pair[0])
        ]
    else:
        ordered = _go_insertion_sort(items, ranks)
    return ordered + deletions


def _go_insertion_sort(items: list[Any], ranks: list[int]) -> list[Any]:
    """Go's sort.SliceStable with upstream's comparator, which calls an item missing from
    the order "less" than anything; only reachable with inconsistent patches."""
    pairs = list(zip(ranks, items, strict=True))

    def less(a: int, b: int) -> bool:
        return a < b if a >= 0 and b >= 0 else True

    for i in range(1, len(pairs)):
        j = i
        while j > 0 and less(pairs[j][0], pairs[j - 1][0]):
            pairs[j], pairs[j - 1] = pairs[j - 1], pairs[j]
            j -= 1
    return [item for _, item in pairs]


def interleave(
    server_only: list[Any], from_patch: list[Any], live: Sequence[Any], merge_key: str | None
) -> list[Any]:
    """Merge two sorted groups: a server-only item goes first only if it was live earlier."""
    position = index_of(live, merge_key)
    out: list[Any] = []
    i = j = 0
    while i < len(server_only) and j < len(from_patch):
        left, right = position(server_only[i]), position(from_patch[j])
        if left >= 0 and right >= 0 and left < right:
            out.append(server_only[i])
            i += 1
        else:
            out.append(from_patch[j])
            j += 1
    return out + server_only[i:] + from_patch[j:]


def normalize(
    merged: list[Any],
    patch_order: Sequence[Any],
    live: Sequence[Any],
    merge_key: str | None,
    kind: str,
) -> list[Any]:
    """The final order of `merged`: the patch's order for its items, the live order for the
    rest, interleaved as described in the module docstring."""
    from_patch, server_only = partition(merged, patch_order, merge_key)
    from_patch = sort_by(from_patch, patch_order, merge_key, kind)
    server_only = sort_by(server_only, live, merge_key, kind)
    return interleave(server_only, from_patch, live, merge_key)


def check_element_order(patch_list: list[Any], order: list[Any], merge_key: str | None) -> None:
    """The patch's items (deletions and directive items aside) must appear in
    `$setElementOrder` in the same relative order."""
    if not order or not patch_list:
        return
    items = patch_list
    if merge_key:
        for item in patch_list:
            if not isinstance(item, dict):
                raise bad_arg_type({}, item)
        items = [i for i in patch_list if i.get("$patch") != "delete"]
    p = o = 0
    while p < len(items) and o < len(order):
        if isinstance(items[p], dict) and "$patch" in items[p]:
            p += 1
            continue
        if _same_item(items[p], order[o], merge_key):
            p += 1
        o += 1
    if p < len(items) and o >= len(order):
        raise StrategicMergeError(
            f"the order in patch list:\n{go_value(patch_list)}\n doesn't match "
            f"$setElementOrder list:\n{go_value(order)}"
        )


def _same_item(left: Any, right: Any, merge_key: str | None) -> bool:
    if not merge_key:
        if isinstance(left, (dict, list)) or isinstance(right, (dict, list)):
            raise StrategicMergeError(
                "cannot order a list of objects without a merge key with $setElementOrder"
            )
        return go_equal(left, right)
    a = require_merge_key(left, merge_key)
    b = require_merge_key(right, merge_key)
    return go_equal(a[merge_key], b[merge_key])


def upstream_live_view(live: list[Any], patch: list[Any], merge_key: str) -> list[Any]:
    """The live list as upstream's `$setElementOrder` step sees it after merging.

    Upstream merges into the live Go slice in place: deleting an item shifts the rest left
    inside the same array (leaving the old last items behind), and appending a new item
    writes into that array while it has room. `$setElementOrder` then orders server-only
    items against this overwritten array, not the list as it was. kube-apiserver's results
    (and upstream's own test expectations) depend on it, so we reproduce the view.
    """
    view = list(live)
    size = len(view)
    replace = False
    for item in patch:
        directive = item.get("$patch") if isinstance(item, dict) else None
        if directive == "replace":
            replace = True
        if directive != "delete" or merge_key not in item:
            continue
        while True:  # upstream removes every item carrying the key, one at a time
            hit = next(
                (
                    i
                    for i in range(size)
                    if merge_key in view[i] and go_equal(view[i][merge_key], item[merge_key])
                ),
                None,
            )
            if hit is None:
                break
            view[hit : size - 1] = view[hit + 1 : size]
            size -= 1
    if replace:
        return view  # the merge continued on a new array
    current = view[:size]
    for item in patch:
        if not isinstance(item, dict) or "$patch" in item or merge_key not in item:
            continue
        if any(merge_key in c and go_equal(c[merge_key], item[merge_key]) for c in current):
            continue
        current.append(item)
        if len(current) <= len(view):
            view[len(current) - 1] = item  # still inside the live array
    return view
