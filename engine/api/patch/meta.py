"""Where strategic merge patch gets its rules: the patch strategy and merge key of a field.

A field is named by its path of JSON field names from the kind's root. List items are
transparent: `("spec", "containers", "ports")` is `spec.containers[*].ports`, and a map's
own keys (label names...) never appear in a lookup that matters, because only lists and
nested objects are looked up.

Upstream declares these with Go struct tags (`patchStrategy:"merge" patchMergeKey:"name"`)
that kube-apiserver also publishes in OpenAPI as `x-kubernetes-patch-strategy` and
`x-kubernetes-patch-merge-key`. A strategy string may name several strategies separated
by commas; `retainKeys` only matters to clients that compute patches (kubectl apply sends
the resulting `$retainKeys` directive), the server honours the directive whatever the
metadata says.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

FieldPath = tuple[str, ...]


@dataclass(frozen=True)
class FieldMeta:
    """How strategic merge patch treats one field.

    strategy: "merge" (lists merge by `merge_key`, or as a set when the items are
    primitives), "replace" (the patch value replaces the field), or None (the default:
    objects merge, lists are replaced).
    """

    strategy: str | None = None
    merge_key: str | None = None
    retain_keys: bool = False

    @classmethod
    def parse(cls, strategies: str | None, merge_key: str | None = None) -> FieldMeta:
        """From the tag or OpenAPI form: `"merge,retainKeys"` → merge, retain_keys."""
        names = [s.strip() for s in (strategies or "").split(",") if s.strip()]
        retain = "retainKeys" in names
        others = [s for s in names if s != "retainKeys"]
        return cls(
            strategy=others[0] if others else None, merge_key=merge_key or None, retain_keys=retain
        )

    @property
    def merges_lists(self) -> bool:
        return self.strategy == "merge"


MERGE = FieldMeta("merge")


def merge_by(key: str, *, retain_keys: bool = False) -> FieldMeta:
    """A list merged by the value of `key` in its items."""
    return FieldMeta("merge", key, retain_keys)


class PatchMeta(Protocol):
    """Patch metadata for one kind."""

    def lookup(self, path: FieldPath) -> FieldMeta | None:
        """The field's metadata, or None when the field has no special strategy."""
        ...


class TablePatchMeta:
    """Patch metadata held as a table `{path: FieldMeta}`; paths not listed are default."""

    def __init__(self, fields: Mapping[FieldPath, FieldMeta] | None = None) -> None:
        self.fields: dict[FieldPath, FieldMeta] = dict(fields or {})

    def lookup(self, path: FieldPath) -> FieldMeta | None:
        return self.fields.get(path)

    def __repr__(self) -> str:
        return f"TablePatchMeta({len(self.fields)} fields)"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TablePatchMeta) and self.fields == other.fields

    __hash__ = None  # type: ignore[assignment]


EMPTY_META = TablePatchMeta()


def mount(
    prefix: Iterable[str], fragment: Mapping[FieldPath, FieldMeta]
) -> dict[FieldPath, FieldMeta]:
    """Re-root a fragment (the fields of one Go type) at `prefix`, as a struct field does."""
    base = tuple(prefix)
    return {base + path: meta for path, meta in fragment.items()}


def combine(*fragments: Mapping[FieldPath, FieldMeta]) -> dict[FieldPath, FieldMeta]:
    merged: dict[FieldPath, FieldMeta] = {}
    for fragment in fragments:
        merged.update(fragment)
    return merged
