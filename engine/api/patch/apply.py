"""One entry point for the PATCH handler: pick the algorithm by Content-Type.

The handler must then compare the result with the stored object and, when they are equal,
answer with the stored object without writing: kube-apiserver does not bump
`resourceVersion` for a no-op patch, and `kubectl patch` prints "patched (no change)".
Compare with `json_equal` rather than `==`, which holds `true` equal to `1`.
"""

from __future__ import annotations

from typing import Any

from .errors import (
    APPLY_PATCH_YAML,
    BUILTIN_PATCH_TYPES,
    CUSTOM_RESOURCE_PATCH_TYPES,
    JSON_PATCH,
    MERGE_PATCH,
    STRATEGIC_MERGE_PATCH,
    PatchApplyError,
    PatchTooLargeError,
    UnsupportedPatchTypeError,
)
from .json_patch import apply_json_patch, decode_operations
from .merge_patch import apply_merge_patch
from .meta import PatchMeta
from .strategic import apply_strategic_merge_patch

MAX_JSON_PATCH_OPERATIONS = 10000  # kube-apiserver's maxJSONPatchOperations


def media_type(content_type: str) -> str:
    """`application/merge-patch+json; charset=utf-8` → `application/merge-patch+json`."""
    return content_type.split(";", 1)[0].strip().lower()


def apply_patch(
    content_type: str, current: dict[str, Any], patch: Any, meta: PatchMeta | None
) -> dict[str, Any]:
    """The object `current` becomes under a PATCH whose decoded JSON body is `patch`.

    `meta` is the kind's patch metadata (`builtin_patch_meta(group, kind)`), or None for a
    custom resource, which has no strategic merge patch. Server-side apply
    (`application/apply-patch+yaml`) is not handled here. Raises a PatchError subclass,
    each a StatusError with the code kube-apiserver answers with.
    """
    kind = media_type(content_type)
    if kind == JSON_PATCH:
        operations = decode_operations(patch)
        if len(operations) > MAX_JSON_PATCH_OPERATIONS:
            raise PatchTooLargeError(
                f"The allowed maximum operations in a JSON patch is {MAX_JSON_PATCH_OPERATIONS}, "
                f"got {len(operations)}"
            )
        result = apply_json_patch(current, operations)
    elif kind == MERGE_PATCH:
        result = apply_merge_patch(current, patch)
    elif kind == STRATEGIC_MERGE_PATCH:
        result = apply_strategic_merge_patch(current, patch, meta)
    elif kind == APPLY_PATCH_YAML:
        # A routing mistake, not a client error: server-side apply needs the field manager.
        raise ValueError("application/apply-patch+yaml is server-side apply, not a patch here")
    else:
        accepted = CUSTOM_RESOURCE_PATCH_TYPES if meta is None else BUILTIN_PATCH_TYPES
        raise UnsupportedPatchTypeError(accepted)
    if not isinstance(result, dict):
        # kube fails to decode a non-object into the kind and answers 422.
        raise PatchApplyError("the patched document is not an object")
    return result
