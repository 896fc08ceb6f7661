"""Strategic merge patch (`application/strategic-merge-patch+json`), the server side of
k8s.io/apimachinery/pkg/util/strategicpatch (`StrategicMergeMapPatch`).

Rules, in the order upstream applies them to each object of the patch:

1. `$patch: replace` makes the object the patch's content; `$patch: delete` makes it `{}`.
2. `$retainKeys: [...]` drops every live key not listed (and the patch may only set
   listed keys).
3. `$setElementOrder/<list>: [...]` merges that list, then orders it: items named by the
   directive in its order, live-only items placed around them by their live order.
4. Every other key: `null` deletes; a key the live object lacks (or holds with another JSON
   type) takes the patch value; objects merge recursively (unless the field's strategy is
   `replace`); lists are replaced unless the field's strategy is `merge`:
   - lists of objects merge by the merge key: a matching item is merged, others are
     appended, `{<key>: v, $patch: delete}` removes items, a `{$patch: replace}` item makes
     the list exactly the patch's other items;
   - lists of primitives become the union (no duplicates);
   - `$deleteFromPrimitiveList/<list>: [...]` removes those values.
   The merged list is ordered as list_order.py describes.

Where upstream copies a patch value verbatim, we drop its `null` members and any nested
directive (as kube-apiserver's decode into typed objects does), so stored objects never
carry `$patch` keys. The input objects are never modified.
"""

from __future__ import annotations

from typing import Any

from .errors import (
    BAD_PRIMITIVE_LIST,
    BAD_RETAIN_KEYS,
    BAD_SET_ELEMENT_ORDER,
    InvalidPatchError,
    StrategicMergeError,
    UnsupportedPatchTypeError,
    bad_arg_type,
    bad_patch_type,
    no_merge_key,
)
from .gostyle import go_json_kind
from .jsonvalue import deep_copy, go_equal, scalar_key
from .list_order import MAP, check_element_order, element_kind, normalize, upstream_live_view
from .meta import FieldMeta, FieldPath, PatchMeta

PATCH = "$patch"
RETAIN_KEYS = "$retainKeys"
SET_ELEMENT_ORDER = "$setElementOrder"
DELETE_FROM_PRIMITIVE_LIST = "$deleteFromPrimitiveList"


def apply_strategic_merge_patch(
    original: Any, patch: Any, meta: PatchMeta | None
) -> dict[str, Any]:
    """Apply a strategic merge patch to an object of a kind described by `meta`.

    `meta` None means the kind has no patch metadata (a custom resource): kube-apiserver
    refuses the content type with 415, and so do we (UnsupportedPatchTypeError).
    """
    if meta is None:
        raise UnsupportedPatchTypeError()
    if patch is None:
        patch = {}  # Go decodes `null` into an empty map: a no-op patch
    if not isinstance(patch, dict):
        raise InvalidPatchError(
            f"json: cannot unmarshal {go_json_kind(patch)} "
            "into Go value of type map[string]interface {}"
        )
    base = deep_copy(original) if isinstance(original, dict) else {}
    return _Merger(meta).merge_map(base, patch, ())


def _is_directive_key(key: str) -> bool:
    return key == RETAIN_KEYS or key.startswith((SET_ELEMENT_ORDER, DELETE_FROM_PRIMITIVE_LIST))


def clean(value: Any) -> tuple[Any, bool]:
    """A copy of a patch value for storing as-is: no null members, no directives.

    Returns (value, keep); keep is False when the value itself is a `$patch` object, which
    upstream drops (`removeDirectives`).
    """
    if isinstance(value, dict):
        if PATCH in value:
            return None, False
        out: dict[str, Any] = {}
        for key, item in value.items():
            if item is None or _is_directive_key(key):
                continue
            cleaned, keep = clean(item)
            if keep:
                out[key] = cleaned
        return out, True
    if isinstance(value, list):
        kept = (clean(item) for item in value)
        return [item for item, keep in kept if keep], True
    return value, True


def _directive_target(key: str, prefix: str, error: str) -> str:
    """`$setElementOrder/containers` → `containers` (400 if the key is malformed)."""
    head, sep, rest = key.partition("/")
    if not sep or head != prefix:
        raise InvalidPatchError(error)
    return rest


class _Merger:
    def __init__(self, meta: PatchMeta) -> None:
        self.meta = meta

    def lookup(self, path: FieldPath) -> FieldMeta:
        return self.meta.lookup(path) or FieldMeta()

    # -- objects -------------------------------------------------------------------------

    def merge_map(
        self, original: dict[str, Any], patch: dict[str, Any], path: FieldPath
    ) -> dict[str, Any]:
        """Merge `patch` into `original` (which this call owns and may change)."""
        if PATCH in patch:
            directive = patch[PATCH]
            if directive == "replace":
                return clean({k: v for k, v in patch.items() if k != PATCH})[0]
            if directive == "delete":
                return {}
            raise bad_patch_type(directive, patch)
        if RETAIN_KEYS in patch:
            self._retain_keys(original, patch)
        handled = self._ordered_lists(original, patch, path)
        for key, value in patch.items():
            if key == RETAIN_KEYS or key.startswith(SET_ELEMENT_ORDER) or key in handled:
                continue
            deletion = key.startswith(DELETE_FROM_PRIMITIVE_LIST)
            if deletion:
                key = _directive_target(key, DELETE_FROM_PRIMITIVE_LIST, BAD_PRIMITIVE_LIST)
            self._merge_key(original, key, value, path, deletion)
        return original

    def _merge_key(
        self, original: dict[str, Any], key: str, value: Any, path: FieldPath, deletion: bool
    ) -> None:
        if value is None:
            original.pop(key, None)
            return
        current = original.get(key)
        if key not in original or type(current) is not type(value):
            if not deletion:  # deleting from a list that is not there changes nothing
                self._store(original, key, value)
            return
        field = path + (key,)
        meta = self.lookup(field)
        if isinstance(current, dict):
            if meta.strategy == "replace":
                self._store(original, key, value)
            else:
                original[key] = self.merge_map(current, value, field)
        elif isinstance(current, list):
            if meta.merges_lists or deletion:
                original[key] = self.merge_list(current, value, meta.merge_key, field, deletion)
            else:
                self._store(original, key, value)
        else:
            self._store(original, key, value)

    @staticmethod
    def _store(original: dict[str, Any], key: str, value: Any) -> None:
        cleaned, keep = clean(value)
        if keep:
            original[key] = cleaned
        else:
            original.pop(key, None)

    @staticmethod
    def _retain_keys(original: dict[str, Any], patch: dict[str, Any]) -> None:
        keys = patch[RETAIN_KEYS]
        if not isinstance(keys, list):
            raise InvalidPatchError(BAD_RETAIN_KEYS)
        retained = {k for k in keys if isinstance(k, str)}
        for key, value in patch.items():
            if value is None or key == RETAIN_KEYS:
                continue
            if key.startswith((DELETE_FROM_PRIMITIVE_LIST, SET_ELEMENT_ORDER)):
                continue
            if key not in retained:  # the patch may not set a key it asks to drop
                raise InvalidPatchError(BAD_RETAIN_KEYS)
        for key in [k for k in original if k not in retained]:
            del original[key]

    def _ordered_lists(
        self, original: dict[str, Any], patch: dict[str, Any], path: FieldPath
    ) -> set[str]:
        """Apply each `$setElementOrder/<list>` with its list; return the lists it handled."""
        handled: set[str] = set()
        for directive_key, order in patch.items():
            if not directive_key.startswith(SET_ELEMENT_ORDER):
                continue
            if not isinstance(order, list):
                raise bad_arg_type([], order)
            key = _directive_target(directive_key, SET_ELEMENT_ORDER, BAD_SET_ELEMENT_ORDER)
            in_live, in_patch = key in original, key in patch
            live = original.get(key)
            if in_live and not isinstance(live, list):
                raise bad_arg_type([], live)
            if in_patch and not isinstance(patch[key], list):
                raise bad_arg_type([], patch[key])
            live_list: list[Any] = live if in_live else []
            patch_list: list[Any] = patch[key] if in_patch else []
            field = path + (key,)
            meta = self.lookup(field)
            check_element_order(patch_list, order, meta.merge_key)
            if in_live and in_patch:
                if meta.merges_lists:
                    merged = self.merge_list(live_list, patch_list, meta.merge_key, field, False)
                else:
                    merged = clean(patch_list)[0]
            elif in_live:
                merged = live_list
            elif in_patch:
                merged = clean(patch_list)[0]
            else:
                continue
            handled.add(key)
            if live_list or patch_list:
                kind = element_kind(live_list, patch_list)
                server_order = live_list
                if in_live and in_patch and meta.merges_lists and kind == MAP and meta.merge_key:
                    server_order = upstream_live_view(live_list, patch_list, meta.merge_key)
                merged = normalize(merged, order, server_order, meta.merge_key, kind)
            original[key] = merged
        return handled

    # -- lists -----------------------------------------------------------------------------

    def merge_list(
        self,
        live: list[Any],
        patch: list[Any],
        merge_key: str | None,
        path: FieldPath,
        deletion: bool,
    ) -> list[Any]:
        """Merge a patch list into a live list with strategy `merge` (live is owned)."""
        if not live and not patch:
            return live
        kind = element_kind(live, patch)
        if kind != MAP:
            if deletion:
                drop = {scalar_key(v) for v in patch}
                return [v for v in live if scalar_key(v) not in drop]
            merged = _union(live, patch)
            return normalize(merged, patch, live, None, kind)
        if not merge_key:
            raise StrategicMergeError(
                f"cannot merge lists without merge key for {'.'.join(path) or 'object'}"
            )
        live, plain = self._apply_list_directives(live, patch, merge_key)
        merged = self._merge_items(live, plain, merge_key, path)
        return normalize(merged, plain, live, merge_key, kind)

    @staticmethod
    def _apply_list_directives(
        live: list[Any], patch: list[Any], merge_key: str
    ) -> tuple[list[Any], list[Any]]:
        """Handle `$patch` items: returns (live after deletions, patch items to merge)."""
        plain: list[Any] = []
        replace = False
        for item in patch:
            if PATCH not in item:
                plain.append(item)
                continue
            directive = item[PATCH]
            if directive == "delete":
                if merge_key not in item:
                    raise no_merge_key(item, merge_key)
                gone = item[merge_key]
                live = [v for v in live if not (merge_key in v and go_equal(v[merge_key], gone))]
            elif directive == "replace":
                replace = True  # keep scanning: other `$patch` items are dropped too
            elif directive == "merge":
                raise StrategicMergeError("merging lists cannot yet be specified in the patch")
            else:
                raise bad_patch_type(directive, item)
        if replace:
            return [_clean_item(item, merge_key) for item in plain], []
        return live, plain

    def _merge_items(
        self, live: list[Any], plain: list[Any], merge_key: str, path: FieldPath
    ) -> list[Any]:
        """Merge matching items, append new ones. A new list: `live` stays the live order
        that list_order compares against (new items must not be found in it)."""
        merged = list(live)
        for item in plain:
            if merge_key not in item:
                raise no_merge_key(item, merge_key)
            wanted = item[merge_key]
            for i, existing in enumerate(merged):
                if merge_key in existing and go_equal(existing[merge_key], wanted):
                    merged[i] = self.merge_map(existing, item, path)
                    break
            else:
                merged.append(_clean_item(item, merge_key))
        return merged


def _clean_item(item: dict[str, Any], merge_key: str) -> dict[str, Any]:
    """A list item stored as-is; its merge key survives even if null (it names the item)."""
    cleaned = clean(item)[0]
    if merge_key in item and merge_key not in cleaned:
        cleaned[merge_key] = item[merge_key]
    return cleaned


def _union(live: list[Any], patch: list[Any]) -> list[Any]:
    """Live values then new patch values, each once (Go's value identity)."""
    seen: set[Any] = set()
    out: list[Any] = []
    for value in [*live, *patch]:
        key = scalar_key(value)
        if key not in seen:
            seen.add(key)
            out.append(value)
    return out
