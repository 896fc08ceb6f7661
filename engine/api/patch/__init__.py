"""The patch algorithms kube-apiserver applies to PATCH requests, as pure functions on
decoded JSON: JSON Patch (RFC 6902), JSON Merge Patch (RFC 7386) and strategic merge
patch (k8s.io/apimachinery strategicpatch), with kube's error texts and status codes.

No function modifies its arguments; each returns a new document. The PATCH handler must
not write (nor bump resourceVersion) when the result equals the stored object
(`json_equal(result, stored)`).
"""

from __future__ import annotations

from .apply import MAX_JSON_PATCH_OPERATIONS, apply_patch, media_type
from .builtin_meta import builtin_patch_meta
from .errors import (
    BUILTIN_PATCH_TYPES,
    CUSTOM_RESOURCE_PATCH_TYPES,
    JSON_PATCH,
    MERGE_PATCH,
    STRATEGIC_MERGE_PATCH,
    InvalidPatchError,
    PatchApplyError,
    PatchError,
    PatchTestFailedError,
    PatchTooLargeError,
    StrategicMergeError,
    UnsupportedPatchTypeError,
)
from .json_patch import apply_json_patch
from .jsonvalue import json_equal
from .merge_patch import apply_merge_patch, merge_patch
from .meta import EMPTY_META, FieldMeta, PatchMeta, TablePatchMeta
from .openapi_meta import meta_from_openapi, table_from_openapi
from .strategic import apply_strategic_merge_patch

__all__ = [
    "BUILTIN_PATCH_TYPES",
    "CUSTOM_RESOURCE_PATCH_TYPES",
    "EMPTY_META",
    "JSON_PATCH",
    "MAX_JSON_PATCH_OPERATIONS",
    "MERGE_PATCH",
    "STRATEGIC_MERGE_PATCH",
    "FieldMeta",
    "InvalidPatchError",
    "PatchApplyError",
    "PatchError",
    "PatchMeta",
    "PatchTestFailedError",
    "PatchTooLargeError",
    "StrategicMergeError",
    "TablePatchMeta",
    "UnsupportedPatchTypeError",
    "apply_json_patch",
    "apply_merge_patch",
    "apply_patch",
    "apply_strategic_merge_patch",
    "builtin_patch_meta",
    "json_equal",
    "media_type",
    "merge_patch",
    "meta_from_openapi",
    "table_from_openapi",
]
