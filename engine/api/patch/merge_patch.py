"""JSON Merge Patch (RFC 7386, `application/merge-patch+json`).

`merge_patch` is the RFC's algorithm for any JSON values: `null` deletes a member, objects
merge recursively, anything else replaces. `apply_merge_patch` is what kube-apiserver does
with a PATCH body (gopkg.in/evanphx/json-patch.v4 `MergePatch`): the body must be an
object, and a value that lands where there was nothing (or a non-object) has its `null`
members dropped at every depth, also inside objects within arrays (the RFC keeps those).
Neither function modifies its arguments.
"""

from __future__ import annotations

from typing import Any

from .errors import InvalidPatchError, PatchApplyError
from .jsonvalue import deep_copy

BAD_MERGE_PATCH = "Invalid JSON Patch"  # evanphx's ErrBadJSONPatch text, kube's 400 message


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386 MergePatch(Target, Patch), returning a new value."""
    if not isinstance(patch, dict):
        return deep_copy(patch)
    result = deep_copy(target) if isinstance(target, dict) else {}
    _merge_rfc(result, patch)
    return result


def _merge_rfc(target: dict[str, Any], patch: dict[str, Any]) -> None:
    for key, value in patch.items():
        if value is None:
            target.pop(key, None)
        elif isinstance(value, dict):
            current = target.get(key)
            if not isinstance(current, dict):
                current = target[key] = {}
            _merge_rfc(current, value)
        else:
            target[key] = deep_copy(value)


def apply_merge_patch(document: dict[str, Any], patch: Any) -> dict[str, Any]:
    """Merge-patch an API object as kube-apiserver does.

    Raises InvalidPatchError (400 `Invalid JSON Patch`) for a `null` or scalar body and
    PatchApplyError (422) for an array body, which cannot patch an object.
    """
    if isinstance(patch, list):
        raise PatchApplyError(
            "json: cannot unmarshal array into Go value of type map[string]interface {}"
        )
    if not isinstance(patch, dict):
        raise InvalidPatchError(BAD_MERGE_PATCH)
    if not isinstance(document, dict):
        return _pruned(patch)
    result = deep_copy(document)
    _merge_kube(result, patch)
    return result


def _merge_kube(doc: dict[str, Any], patch: dict[str, Any]) -> None:
    for key, value in patch.items():
        if value is None:
            doc.pop(key, None)
            continue
        current = doc.get(key)
        if isinstance(current, dict) and isinstance(value, dict):
            _merge_kube(current, value)
        elif isinstance(current, dict):
            doc[key] = deep_copy(value)  # v4 returns a non-object patch value unpruned here
        else:
            doc[key] = _pruned(value)


def _pruned(value: Any) -> Any:
    """A copy without null object members, at any depth (array elements that are null stay)."""
    if isinstance(value, dict):
        return {k: _pruned(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_pruned(v) for v in value]
    return value
