"""Merging an applied configuration into a live object, and removing fields from one.

`merge` is structured-merge-diff's Merge: granular structs and maps merge key by key,
associative lists and sets item by item (live order kept, items the configuration adds
placed where its order puts them), and leaves — scalars, atomic lists and maps — are
replaced by the configuration's value.

`remove_items` is its RemoveItems: drop the member paths of a set from a value (a member
takes everything below it). Maps and lists emptied by the removal are dropped too, as the
Go types' `omitempty` would when the object is decoded again.
"""

from __future__ import annotations

import copy
from typing import Any

from .fieldset import FieldSet
from .schema import LIST, MAP, SCALAR, STRUCT, Node
from .typed import index_items


def merge(live: Any, config: Any, node: Node) -> Any:
    shape = node.shape(config)
    if shape == SCALAR or node.shape(live) != shape:
        return copy.deepcopy(config)
    if shape in (STRUCT, MAP):
        out = dict(live)
        for name, value in config.items():
            if name in out:
                out[name] = merge(out[name], value, node.field(name))
            else:
                out[name] = copy.deepcopy(value)
        return out
    return _merge_list(live, config, node)


def _merge_list(live: list[Any], config: list[Any], node: Node) -> list[Any]:
    """The item order of upstream's mergingWalker.visitListItems."""
    elem = node.elem()
    lhs = index_items(live, node, allow_duplicates=True)
    rhs = index_items(config, node, allow_duplicates=False)
    observed_lhs = dict(lhs)
    observed_rhs = dict(rhs)
    shared = [e for e, _ in rhs if e in observed_lhs]
    next_shared = shared.pop(0) if shared else None
    merged_rhs: set[str] = set()
    out: list[Any] = []
    li = ri = 0
    while li < len(lhs) or ri < len(rhs):
        if li < len(lhs) and ri < len(rhs):
            element = lhs[li][0]
            if element == rhs[ri][0]:
                merged_rhs.add(element)
                out.append(merge(observed_lhs[element], observed_rhs[element], elem))
                li += 1
                ri += 1
                next_shared = shared.pop(0) if shared else None
                continue
            if element in observed_rhs and next_shared is not None and next_shared != element:
                li += 1  # a shared item, but not the one due in this round
                continue
        if li < len(lhs):
            element, item = lhs[li]
            if element not in observed_rhs:
                out.append(copy.deepcopy(item))
                li += 1
                continue
            if element in merged_rhs:
                li += 1
                continue
        if ri < len(rhs):
            element, item = rhs[ri]
            merged_rhs.add(element)
            if element in observed_lhs:
                out.append(merge(observed_lhs[element], item, elem))
            else:
                out.append(copy.deepcopy(item))
            ri += 1
            if next_shared is not None and next_shared == element:
                next_shared = shared.pop(0) if shared else None
    return out


def remove_items(value: Any, remove: FieldSet, node: Node) -> Any:
    if remove.empty():
        return value
    shape = node.shape(value)
    if shape in (STRUCT, MAP):
        out: dict[str, Any] = {}
        for name, child in value.items():
            element = "f:" + name
            if element in remove.members:
                continue
            sub = remove.children.get(element)
            if sub is not None:
                child_node = node.field(name)
                kept = remove_items(child, sub, child_node)
                if _emptied(child, kept, child_node):
                    continue
                child = kept
            out[name] = child
        return out
    if shape == LIST:
        elem = node.elem()
        items: list[Any] = []
        for element, item in index_items(value, node, allow_duplicates=True):
            if element in remove.members:
                continue
            sub = remove.children.get(element)
            items.append(remove_items(item, sub, elem) if sub is not None else item)
        return items
    return value


def _emptied(before: Any, after: Any, node: Node) -> bool:
    """A map or list the removal emptied (structs stay, as Go keeps non-pointer ones)."""
    if node.kind == STRUCT:
        return False
    return bool(before) and not after and isinstance(after, (dict, list))
