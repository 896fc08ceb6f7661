"""Field sets of values and comparisons of two values, walking them with their types.

`to_field_set` is structured-merge-diff's ToFieldSet: the fields a (partial) object
specifies. Leaves (scalars, atomic lists and maps) are members; a struct field holding a
non-empty struct is only a prefix; map entries and list items are members and prefixes.

`compare` is its Compare: which paths a change added, modified or removed. A path the
old value lacks is *added* together with everything below it, which is why an Update
entry says `".": {}` for a list item or a map a manager introduced.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import elements
from .fieldset import FieldSet
from .schema import ASSOCIATIVE, LIST, MAP, SCALAR, SET, STRUCT, Node


class InvalidValue(ValueError):
    """A value that does not fit its list type (an item without its key fields...)."""


MISSING: Any = object()  # a field the value does not have (JSON null is None)
ZERO: Any = object()  # Go's zero value of a struct: what a created object is compared with


def item_element(item: Any, node: Node, position: int) -> str:
    """The path element of a list item: by key for associative lists, by value for sets."""
    if node.list_type == ASSOCIATIVE:
        if not isinstance(item, dict):
            raise InvalidValue(f"element {position}: associative list with keys has a non-object")
        fields: dict[str, Any] = {}
        for name in node.keys:
            if name in item:
                fields[name] = item[name]
                continue
            default = node.key_default(name)
            if default is None:
                raise InvalidValue(
                    f"element {position}: associative list with keys has an element that omits "
                    f'key field "{name}" (and doesn\'t have default value)'
                )
            fields[name] = default
        return elements.key(fields)
    if node.list_type == SET:
        if isinstance(item, (dict, list)):
            raise InvalidValue(
                f"element {position}: associative list without keys has an element "
                "that's a map type"
            )
        return elements.value(item)
    return elements.index(position)


def index_items(items: list[Any], node: Node, *, allow_duplicates: bool) -> list[tuple[str, Any]]:
    """(element, item) pairs; duplicates are an error in applied configurations."""
    out: list[tuple[str, Any]] = []
    seen: set[str] = set()
    for position, item in enumerate(items):
        element = item_element(item, node, position)
        if element in seen and not allow_duplicates:
            raise InvalidValue(f"duplicate entries for key {elements.display(element)}")
        seen.add(element)
        out.append((element, item))
    return out


# -- ToFieldSet ----------------------------------------------------------------------------


def to_field_set(value: Any, node: Node) -> FieldSet:
    """The fields below `value` (the root itself is never a member)."""
    out = FieldSet()
    shape = node.shape(value)
    if shape in (STRUCT, MAP):
        for name, child in value.items():
            child_node = node.field(name)
            sub = to_field_set(child, child_node)
            member = (
                child_node.shape(child) == SCALAR
                or child is None
                or child == {}
                or not node.declares(name)
            )
            out.attach(elements.field(name), sub, member=member)
    elif shape == LIST:
        elem = node.elem()
        for element, item in index_items(value, node, allow_duplicates=True):
            out.attach(element, to_field_set(item, elem), member=True)
    return out


# -- Compare -------------------------------------------------------------------------------


@dataclass(slots=True)
class Comparison:
    added: FieldSet = field(default_factory=FieldSet)
    modified: FieldSet = field(default_factory=FieldSet)
    removed: FieldSet = field(default_factory=FieldSet)

    def changed(self) -> FieldSet:
        return self.modified.union(self.added)


def compare(old: Any, new: Any, node: Node) -> Comparison:
    """What turning `old` into `new` added, modified and removed. `old` may be ZERO (the
    zero value a create starts from) or MISSING."""
    out = Comparison()
    _compare_children(old, new, node, out)
    return out


def _container(value: Any, shape: str) -> Any:
    if shape == LIST:
        return value if isinstance(value, list) else []
    return value if isinstance(value, dict) else {}


def _compare_children(lhs: Any, rhs: Any, node: Node, out: Comparison) -> None:
    shape = node.shape(rhs if rhs is not MISSING else lhs)
    if shape in (STRUCT, MAP):
        left = {} if lhs is ZERO else _container(lhs, shape)
        right = _container(rhs, shape)
        required = node.required() if lhs is ZERO else frozenset()
        for name in list(left) + [k for k in right if k not in left]:
            child_node = node.field(name)
            if lhs is ZERO:
                # Go's zero value holds empty structs for struct fields and null for
                # fields that are not omitted when empty (approximated by `required`).
                if child_node.kind == STRUCT:
                    lchild = ZERO
                else:
                    lchild = None if name in required else MISSING
            else:
                lchild = left.get(name, MISSING)
            _compare_one(elements.field(name), lchild, right.get(name, MISSING), child_node, out)
    elif shape == LIST:
        elem = node.elem()
        left_items = index_items(_container(lhs, LIST), node, allow_duplicates=True)
        right_items = index_items(_container(rhs, LIST), node, allow_duplicates=True)
        left_map = dict(left_items)
        right_map = dict(right_items)
        for element, _ in left_items + [(e, i) for e, i in right_items if e not in left_map]:
            _compare_one(
                element, left_map.get(element, MISSING), right_map.get(element, MISSING), elem, out
            )


def _compare_one(element: str, lhs: Any, rhs: Any, node: Node, out: Comparison) -> None:
    lshape = node.shape({} if lhs is ZERO else lhs) if lhs is not MISSING else None
    rshape = node.shape(rhs) if rhs is not MISSING else None
    # null stands for an empty list or map of a granular type (Go's nil slice or map)
    if lhs is None and rshape in (STRUCT, MAP, LIST):
        lshape = rshape
    elif rhs is None and lshape in (STRUCT, MAP, LIST):
        rshape = lshape
    leaf = SCALAR in (lshape, rshape) or (lshape and rshape and lshape != rshape)
    if leaf:
        if lhs is MISSING:
            out.added.members.add(element)
        elif rhs is MISSING:
            out.removed.members.add(element)
        elif lhs is ZERO or lhs != rhs:
            out.modified.members.add(element)
        return
    sub = Comparison()
    _compare_children(lhs, rhs, node, sub)
    out.added.attach(element, sub.added, member=lhs is MISSING)
    out.modified.attach(element, sub.modified)
    out.removed.attach(element, sub.removed, member=rhs is MISSING)


def ensure_named_fields(fields: FieldSet, node: Node) -> FieldSet:
    """EnsureNamedFieldsAreMembers: struct fields with paths below them become members
    too, so that pruning can drop a struct whose fields nobody owns any more."""
    if fields.empty():
        return fields
    members = set(fields.members)
    children: dict[str, FieldSet] = {}
    for element, sub in fields.children.items():
        if element.startswith("f:"):
            name = element[2:]
            if node.declares(name):
                members.add(element)
            child_node = node.field(name)
        else:
            child_node = node.elem()
        children[element] = ensure_named_fields(sub, child_node)
    return FieldSet(members, children)
