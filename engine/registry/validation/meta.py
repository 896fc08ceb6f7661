"""ObjectMeta validation shared by every kind (apimachinery's ValidateObjectMeta)."""

from __future__ import annotations

from typing import Any

from engine.api.selectors.validation import is_qualified_name, is_valid_label_value

from ..field_errors import FieldError, forbidden, invalid, required
from ..types import Obj, ResourceType
from .names import name_errors

TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024


def validate_labels(labels: Any, field: str) -> list[FieldError]:
    if labels is None:
        return []
    if not isinstance(labels, dict):
        return [invalid(field, labels, "must be a map of strings")]
    errs: list[FieldError] = []
    for key, value in labels.items():
        errs.extend(invalid(field, key, msg) for msg in is_qualified_name(key))
        if not isinstance(value, str):
            errs.append(invalid(field, value, "must be a string"))
            continue
        errs.extend(invalid(field, value, msg) for msg in is_valid_label_value(value))
    return errs


def validate_annotations(annotations: Any, field: str) -> list[FieldError]:
    if annotations is None:
        return []
    if not isinstance(annotations, dict):
        return [invalid(field, annotations, "must be a map of strings")]
    errs: list[FieldError] = []
    size = 0
    for key, value in annotations.items():
        errs.extend(invalid(field, key, msg) for msg in is_qualified_name(key.lower()))
        if not isinstance(value, str):
            errs.append(invalid(field, value, "must be a string"))
            continue
        size += len(key.encode()) + len(value.encode())
    if size > TOTAL_ANNOTATION_SIZE_LIMIT:
        errs.append(
            FieldError(
                "Too long", field, None, f"may not be more than {TOTAL_ANNOTATION_SIZE_LIMIT} bytes"
            )
        )
    return errs


def validate_owner_references(refs: Any, field: str) -> list[FieldError]:
    if refs is None:
        return []
    if not isinstance(refs, list):
        return [invalid(field, refs, "must be a list")]
    errs: list[FieldError] = []
    controllers = 0
    for i, ref in enumerate(refs):
        path = f"{field}[{i}]"
        if not isinstance(ref, dict):
            errs.append(invalid(path, ref, "must be an object"))
            continue
        if not ref.get("apiVersion"):
            errs.append(invalid(f"{field}.apiVersion", "", "version must not be empty"))
        if not ref.get("kind"):
            errs.append(invalid(f"{field}.kind", "", "kind must not be empty"))
        if not ref.get("name"):
            errs.append(invalid(f"{field}.name", "", "name must not be empty"))
        if not ref.get("uid"):
            errs.append(invalid(f"{field}.uid", "", "uid must not be empty"))
        if ref.get("controller") is True:
            controllers += 1
    if controllers > 1:
        names = [r.get("name", "") for r in refs if isinstance(r, dict) and r.get("controller")]
        errs.append(
            invalid(
                field,
                refs,
                'Only one reference can have Controller set to true. Found "true" in '
                f"references for {' and '.join(names)}",
            )
        )
    return errs


def validate_finalizers(finalizers: Any, field: str) -> list[FieldError]:
    if finalizers is None:
        return []
    if not isinstance(finalizers, list):
        return [invalid(field, finalizers, "must be a list of strings")]
    errs: list[FieldError] = []
    for i, name in enumerate(finalizers):
        if not isinstance(name, str):
            errs.append(invalid(f"{field}[{i}]", name, "must be a string"))
            continue
        errs.extend(invalid(f"{field}[{i}]", name, msg) for msg in is_qualified_name(name))
    if "orphan" in finalizers and "foregroundDeletion" in finalizers:
        errs.append(
            invalid(
                field,
                finalizers,
                "finalizer orphan and foregroundDeletion cannot be both set",
            )
        )
    return errs


def validate_object_meta(obj: Obj, rt: ResourceType) -> list[FieldError]:
    meta = obj.get("metadata")
    if not isinstance(meta, dict):
        return [required("metadata", "")]
    errs: list[FieldError] = []
    name = meta.get("name")
    generate = meta.get("generateName")
    if generate:
        errs.extend(
            invalid("metadata.generateName", generate, msg)
            for msg in name_errors(str(generate), rt.name_format, prefix=True)
        )
    if not name:
        errs.append(required("metadata.name", "name or generateName is required"))
    elif not isinstance(name, str):
        errs.append(invalid("metadata.name", name, "must be a string"))
    else:
        errs.extend(
            invalid("metadata.name", name, msg) for msg in name_errors(name, rt.name_format)
        )
    if rt.namespaced and not meta.get("namespace"):
        errs.append(required("metadata.namespace", ""))
    elif not rt.namespaced and meta.get("namespace"):
        errs.append(forbidden("metadata.namespace", "not allowed on this type"))
    errs.extend(validate_labels(meta.get("labels"), "metadata.labels"))
    errs.extend(validate_annotations(meta.get("annotations"), "metadata.annotations"))
    errs.extend(validate_owner_references(meta.get("ownerReferences"), "metadata.ownerReferences"))
    errs.extend(validate_finalizers(meta.get("finalizers"), "metadata.finalizers"))
    return errs


def validate_object_meta_update(new: Obj, old: Obj, rt: ResourceType) -> list[FieldError]:
    errs = validate_object_meta(new, rt)
    new_meta, old_meta = new.get("metadata") or {}, old.get("metadata") or {}
    for key in ("name", "namespace", "uid", "creationTimestamp"):
        if new_meta.get(key) != old_meta.get(key):
            errs.append(invalid(f"metadata.{key}", new_meta.get(key), "field is immutable"))
    return errs
