"""The shape of a value as structured-merge-diff sees it, read from the OpenAPI schemas.

    struct   an object with declared properties (fields); granular unless
             `x-kubernetes-map-type: atomic`
    map      an object with `additionalProperties` (labels, data...): granular unless atomic
    list     `x-kubernetes-list-type`: `map` (associative, by `x-kubernetes-list-map-keys`),
             `set` (items by value) or `atomic`; without it, kube-openapi falls back to the
             strategic-merge annotations (merge + merge key → associative, merge → set),
             and else to atomic
    scalar   strings, numbers, bools, int-or-string, quantities
    untyped  no schema (custom resources without one, RawExtension...): deduced from the
             value as upstream does: objects are granular maps, lists atomic

Nodes are built lazily and memoized per schema object, so walking a Pod costs one
resolution per distinct schema.
"""

from __future__ import annotations

from typing import Any

from engine.api.openapi import builtin_lookup
from engine.api.openapi.schemas import SchemaLookup

STRUCT, MAP, LIST, SCALAR, UNTYPED = "struct", "map", "list", "scalar", "untyped"
ATOMIC, SET, ASSOCIATIVE = "atomic", "set", "associative"
_KEY_DEFAULTS = {"protocol": "TCP"}  # ContainerPort, ServicePort: `+default="TCP"`
_SCALAR_TYPES = frozenset({"string", "integer", "number", "boolean"})


class Node:
    __slots__ = ("kind", "atomic", "list_type", "keys", "_schema", "_types", "_fields", "_elem")

    def __init__(self, kind: str, schema: dict[str, Any] | None, types: Types | None) -> None:
        self.kind = kind
        self._schema = schema or {}
        self._types = types
        self._fields: dict[str, Node] = {}
        self._elem: Node | None = None
        self.atomic = self._schema.get("x-kubernetes-map-type") == "atomic"
        self.list_type = ATOMIC
        self.keys: tuple[str, ...] = ()
        if kind == LIST:
            self._list_relationship()

    def _list_relationship(self) -> None:
        schema = self._schema
        list_type = schema.get("x-kubernetes-list-type")
        if list_type == "map":
            self.list_type = ASSOCIATIVE
            self.keys = tuple(schema.get("x-kubernetes-list-map-keys") or ())
        elif list_type == "set":
            self.list_type = SET
        elif list_type is None and schema.get("x-kubernetes-patch-strategy") in (
            "merge",
            "merge,retainKeys",
        ):
            merge_key = schema.get("x-kubernetes-patch-merge-key")
            self.list_type = ASSOCIATIVE if merge_key else SET
            self.keys = (merge_key,) if merge_key else ()
        if self.list_type == ASSOCIATIVE and not self.keys:
            self.list_type = SET
        self.atomic = self.list_type == ATOMIC

    # -- children ----------------------------------------------------------------------

    def declares(self, name: str) -> bool:
        return self.kind == STRUCT and name in (self._schema.get("properties") or {})

    def field(self, name: str) -> Node:
        """The type of a struct field or map value (untyped when undeclared)."""
        found = self._fields.get(name)
        if found is not None:
            return found
        if self.kind == STRUCT:
            prop = (self._schema.get("properties") or {}).get(name)
            node = self._types.node(prop) if prop is not None and self._types else UNTYPED_NODE
        elif self.kind == MAP:
            return self.elem()
        else:
            node = UNTYPED_NODE
        self._fields[name] = node
        return node

    def elem(self) -> Node:
        if self._elem is None:
            if self.kind == MAP:
                raw = self._schema.get("additionalProperties")
            elif self.kind == LIST:
                raw = self._schema.get("items")
            else:
                raw = None
            ok = isinstance(raw, dict) and self._types is not None
            self._elem = self._types.node(raw) if ok else UNTYPED_NODE  # type: ignore[union-attr]
        return self._elem

    def required(self) -> frozenset[str]:
        return frozenset(self._schema.get("required") or ())

    def key_default(self, name: str) -> Any:
        """The schema default of an associative list's key field (protocol: "TCP")."""
        item = self.elem()
        if item.kind != STRUCT:
            return None
        prop = (item._schema.get("properties") or {}).get(name) or {}
        # Our schemas lack the `+default` markers of a few key fields; upstream's have them.
        return prop.get("default", _KEY_DEFAULTS.get(name))

    # -- the value decides for untyped nodes ---------------------------------------------

    def shape(self, value: Any) -> str:
        """STRUCT/MAP/LIST (walked into) or SCALAR (a leaf) for this value."""
        if self.kind == UNTYPED:
            return MAP if isinstance(value, dict) else SCALAR
        if self.kind in (STRUCT, MAP):
            return self.kind if isinstance(value, dict) and not self.atomic else SCALAR
        if self.kind == LIST:
            return LIST if isinstance(value, list) and not self.atomic else SCALAR
        return SCALAR


UNTYPED_NODE = Node(UNTYPED, None, None)


class Types:
    """Nodes for the schemas of one lookup (built-in, or extended with CRD schemas)."""

    def __init__(self, lookup: SchemaLookup) -> None:
        self.lookup = lookup
        self._nodes: dict[int, tuple[dict[str, Any], Node]] = {}

    def node(self, schema: dict[str, Any]) -> Node:
        memo = self._nodes.get(id(schema))
        if memo is not None and memo[0] is schema:
            return memo[1]
        resolved = self.lookup.resolve(schema)
        node = Node(_kind_of(resolved), resolved, self)
        self._nodes[id(schema)] = (schema, node)
        return node

    def root(self, group: str, version: str, kind: str) -> Node:
        schema = self.lookup.schema_for(group, version, kind)
        return self.node(schema) if schema is not None else UNTYPED_NODE


def _kind_of(schema: dict[str, Any]) -> str:
    if schema.get("properties"):
        return STRUCT
    declared = schema.get("type")
    if declared == "array":
        return LIST
    if declared == "object" and isinstance(schema.get("additionalProperties"), dict):
        return MAP
    if declared in _SCALAR_TYPES or schema.get("x-kubernetes-int-or-string"):
        return SCALAR
    return UNTYPED


_builtin: Types | None = None


def builtin_types() -> Types:
    global _builtin
    if _builtin is None:
        _builtin = Types(builtin_lookup())
    return _builtin


def root_node(group: str, version: str, kind: str) -> Node:
    """The type of a built-in kind; untyped (lists atomic) for kinds without a schema."""
    return builtin_types().root(group, version, kind)
