"""FieldSet: a set of field paths as a trie, and its FieldsV1 (de)serialization.

A set has `members` (elements that are paths of the set themselves) and `children`
(elements below which the set has paths). An element can be both: a list item a manager
added owns the item and its fields. FieldsV1 writes a member as `{}`, a child as its
nested object, and one that is both as the nested object with a leading `".": {}`.

The operations follow structured-merge-diff: union, difference and intersection combine
members with members and children with children (a member does not cover the paths
below it), and empty children are dropped so that `empty()` is cheap.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .elements import canonical, path_string, sort_key

Path = tuple[str, ...]


class FieldSet:
    __slots__ = ("members", "children")

    def __init__(
        self, members: set[str] | None = None, children: dict[str, FieldSet] | None = None
    ) -> None:
        self.members: set[str] = members if members is not None else set()
        self.children: dict[str, FieldSet] = children if children is not None else {}

    # -- building --------------------------------------------------------------------

    @classmethod
    def of(cls, *paths: Path) -> FieldSet:
        out = cls()
        for path in paths:
            out.insert(path)
        return out

    def insert(self, path: Path) -> None:
        node = self
        for element in path[:-1]:
            node = node.children.setdefault(element, FieldSet())
        if path:
            node.members.add(path[-1])

    def child(self, element: str) -> FieldSet:
        """The subset below `element` (empty if none); do not mutate it."""
        return self.children.get(element) or _EMPTY

    def attach(self, element: str, sub: FieldSet, *, member: bool = False) -> None:
        if member:
            self.members.add(element)
        if not sub.empty():
            existing = self.children.get(element)
            self.children[element] = sub if existing is None else existing.union(sub)

    # -- queries ---------------------------------------------------------------------

    def empty(self) -> bool:
        return not self.members and not self.children

    def has(self, path: Path) -> bool:
        node: FieldSet | None = self
        for element in path[:-1]:
            node = node.children.get(element) if node is not None else None
            if node is None:
                return False
        return bool(path) and node is not None and path[-1] in node.members

    def paths(self, prefix: Path = ()) -> Iterator[Path]:
        """Every member path in upstream's order: members of a level, then its children."""
        for element in sorted(self.members, key=sort_key):
            yield (*prefix, element)
        for element in sorted(self.children, key=sort_key):
            yield from self.children[element].paths((*prefix, element))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FieldSet):
            return NotImplemented
        return self.members == other.members and self.children == other.children

    def __repr__(self) -> str:
        return "FieldSet(" + ", ".join(path_string(p) for p in self.paths()) + ")"

    # -- set algebra -----------------------------------------------------------------

    def union(self, other: FieldSet) -> FieldSet:
        if other.empty():
            return self
        if self.empty():
            return other
        children = dict(self.children)
        for element, sub in other.children.items():
            mine = children.get(element)
            children[element] = sub if mine is None else mine.union(sub)
        return FieldSet(self.members | other.members, children)

    def difference(self, other: FieldSet) -> FieldSet:
        if other.empty() or self.empty():
            return self
        children: dict[str, FieldSet] = {}
        for element, sub in self.children.items():
            theirs = other.children.get(element)
            rest = sub if theirs is None else sub.difference(theirs)
            if not rest.empty():
                children[element] = rest
        return FieldSet(self.members - other.members, children)

    def intersection(self, other: FieldSet) -> FieldSet:
        children: dict[str, FieldSet] = {}
        for element, sub in self.children.items():
            theirs = other.children.get(element)
            if theirs is not None:
                both = sub.intersection(theirs)
                if not both.empty():
                    children[element] = both
        return FieldSet(self.members & other.members, children)

    def without_elements(self, elements: frozenset[str]) -> FieldSet:
        """This set minus whole top-level elements (members and everything below)."""
        return FieldSet(
            self.members - elements,
            {e: s for e, s in self.children.items() if e not in elements},
        )

    # -- FieldsV1 --------------------------------------------------------------------

    def to_fields_v1(self) -> dict[str, Any]:
        return self._emit(include_self=False)

    def _emit(self, *, include_self: bool) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if include_self and not self.empty():
            out["."] = {}
        for element in sorted(self.members | self.children.keys(), key=sort_key):
            sub = self.children.get(element)
            if sub is None:
                out[element] = {}
            else:
                out[element] = sub._emit(include_self=element in self.members)
        return out

    @classmethod
    def from_fields_v1(cls, data: Any) -> FieldSet:
        """Parse FieldsV1 (a client may send it): ValueError when malformed."""
        if not isinstance(data, dict):
            raise ValueError("FieldsV1 must be an object")
        out = cls()
        for raw, sub in data.items():
            if raw == ".":
                continue
            if not isinstance(raw, str) or len(raw) < 2 or raw[1] != ":" or raw[0] not in "fkvi":
                raise ValueError(f"invalid path element {raw!r}")
            element = canonical(raw)
            if not isinstance(sub, dict):
                raise ValueError("FieldsV1 values must be objects")
            if not sub or "." in sub:
                out.members.add(element)
            inner = cls.from_fields_v1(sub)
            if not inner.empty():
                out.children[element] = inner
        return out


_EMPTY = FieldSet()
