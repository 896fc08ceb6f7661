"""Validation of a CustomResourceDefinition (apiextensions.k8s.io/v1), with the field paths
and messages of apiextensions-apiserver's validation.go."""

from __future__ import annotations

from typing import Any

from engine.api.selectors.validation import is_dns1123_subdomain
from engine.registry.field_errors import (
    FieldError,
    GoText,
    invalid,
    not_supported,
    required,
)
from engine.registry.validation.names import is_dns1035_label

Obj = dict[str, Any]
SCOPES = ("Cluster", "Namespaced")
COLUMN_TYPES = ("boolean", "date", "integer", "number", "string")
SCHEMA_TYPES = ("array", "boolean", "integer", "number", "object", "string")


def _versions_text(versions: Any) -> GoText:
    """Go prints the whole []CustomResourceDefinitionVersion; a short form is enough here."""
    names = [v.get("name", "") for v in versions or [] if isinstance(v, dict)]
    return GoText("[" + " ".join(f"{{Name:{n}}}" for n in names) + "]")


def validate_crd(crd: Obj) -> list[FieldError]:
    spec = crd.get("spec") if isinstance(crd.get("spec"), dict) else {}
    assert isinstance(spec, dict)
    errors: list[FieldError] = []
    names = spec.get("names") if isinstance(spec.get("names"), dict) else {}
    assert isinstance(names, dict)
    group = spec.get("group") or ""
    name = (crd.get("metadata") or {}).get("name") or ""
    if name and name != f"{names.get('plural', '')}.{group}":
        errors.append(invalid("metadata.name", name, 'must be spec.names.plural+"."+spec.group'))
    if not group:
        errors.append(required("spec.group"))
    elif problems := is_dns1123_subdomain(group):
        errors.append(invalid("spec.group", group, ",".join(problems)))
    elif len(group.split(".")) < 2:
        errors.append(invalid("spec.group", group, "should be a domain with at least one dot"))
    scope = spec.get("scope") or ""
    if not scope:
        errors.append(required("spec.scope"))
    elif scope not in SCOPES:
        errors.append(not_supported("spec.scope", scope, SCOPES))
    errors += _validate_versions(spec)
    errors += _validate_names(names, "spec.names")
    conversion = spec.get("conversion") or {}
    strategy = conversion.get("strategy")
    if strategy not in (None, "None", "Webhook"):
        errors.append(not_supported("spec.conversion.strategy", strategy, ("None", "Webhook")))
    elif strategy == "Webhook":
        errors.append(
            invalid(
                "spec.conversion.strategy",
                strategy,
                "conversion webhooks are not available in this engine",
            )
        )
    return errors


def validate_crd_update(new: Obj, old: Obj) -> list[FieldError]:
    errors = validate_crd(new)
    new_spec, old_spec = new.get("spec") or {}, old.get("spec") or {}
    if new_spec.get("group") != old_spec.get("group"):
        errors.append(invalid("spec.group", new_spec.get("group"), "field is immutable"))
    old_scope = old_spec.get("scope")
    if new_spec.get("scope") != old_scope:
        errors.append(invalid("spec.scope", new_spec.get("scope"), "field is immutable"))
    errors += validate_stored_versions(new)
    return errors


def validate_stored_versions(crd: Obj) -> list[FieldError]:
    versions = {v.get("name") for v in (crd.get("spec") or {}).get("versions") or []}
    stored = (crd.get("status") or {}).get("storedVersions") or []
    return [
        invalid(f"status.storedVersions[{i}]", v, "must appear in spec.versions")
        for i, v in enumerate(stored)
        if v not in versions
    ]


def _validate_versions(spec: Obj) -> list[FieldError]:
    versions = spec.get("versions")
    errors: list[FieldError] = []
    if not isinstance(versions, list) or not versions:
        return [
            invalid(
                "spec.versions",
                _versions_text([]),
                "must have exactly one version marked as storage version",
            )
        ]
    seen: set[str] = set()
    unique = True
    storage = 0
    served = False
    for i, version in enumerate(versions):
        path = f"spec.versions[{i}]"
        if not isinstance(version, dict):
            errors.append(invalid(path, GoText(str(version)), "must be an object"))
            continue
        vname = version.get("name") or ""
        if vname in seen:
            unique = False
        seen.add(vname)
        if problems := is_dns1035_label(vname):
            errors.append(invalid(f"{path}.name", vname, ",".join(problems)))
        storage += bool(version.get("storage"))
        served = served or bool(version.get("served"))
        errors += _validate_schema(version.get("schema"), f"{path}.schema")
        errors += _validate_columns(version.get("additionalPrinterColumns"), path)
        errors += _validate_subresources(version.get("subresources"), f"{path}.subresources")
    if not unique:
        errors.append(
            invalid("spec.versions", _versions_text(versions), "must contain unique version names")
        )
    if storage != 1:
        errors.append(
            invalid(
                "spec.versions",
                _versions_text(versions),
                "must have exactly one version marked as storage version",
            )
        )
    if not served:
        errors.append(
            invalid(
                "spec.versions",
                _versions_text(versions),
                "must have at least one version marked as served",
            )
        )
    return errors


def _validate_names(names: Obj, path: str) -> list[FieldError]:
    errors: list[FieldError] = []
    for field in ("plural", "singular"):
        value = names.get(field) or ""
        if not value:
            errors.append(required(f"{path}.{field}"))
        elif problems := is_dns1035_label(value):
            errors.append(invalid(f"{path}.{field}", value, ",".join(problems)))
    for field in ("kind", "listKind"):
        value = names.get(field) or ""
        if not value:
            errors.append(required(f"{path}.{field}"))
        elif problems := is_dns1035_label(value.lower()):
            errors.append(
                invalid(
                    f"{path}.{field}",
                    value,
                    "may have mixed case, but should otherwise match: " + ",".join(problems),
                )
            )
    if names.get("kind") and names.get("kind") == names.get("listKind"):
        errors.append(
            invalid(f"{path}.listKind", names["listKind"], "kind and listKind may not be the same")
        )
    for field in ("shortNames", "categories"):
        for i, value in enumerate(names.get(field) or []):
            if problems := is_dns1035_label(str(value)):
                errors.append(invalid(f"{path}.{field}[{i}]", value, ",".join(problems)))
    return errors


def _validate_columns(columns: Any, path: str) -> list[FieldError]:
    errors: list[FieldError] = []
    for i, column in enumerate(columns or []):
        cpath = f"{path}.additionalPrinterColumns[{i}]"
        if not column.get("name"):
            errors.append(required(f"{cpath}.name"))
        ctype = column.get("type") or ""
        if not ctype:
            errors.append(required(f"{cpath}.type"))
        elif ctype not in COLUMN_TYPES:
            errors.append(not_supported(f"{cpath}.type", ctype, COLUMN_TYPES))
        if not column.get("jsonPath"):
            errors.append(required(f"{cpath}.jsonPath"))
    return errors


def _validate_subresources(subresources: Any, path: str) -> list[FieldError]:
    scale = (subresources or {}).get("scale")
    if scale is None:
        return []
    errors: list[FieldError] = []
    spec_path = scale.get("specReplicasPath") or ""
    if not spec_path:
        errors.append(required(f"{path}.scale.specReplicasPath"))
    elif not spec_path.startswith(".spec."):
        errors.append(
            invalid(
                f"{path}.scale.specReplicasPath", spec_path, "should be a json path under .spec"
            )
        )
    status_path = scale.get("statusReplicasPath") or ""
    if not status_path:
        errors.append(required(f"{path}.scale.statusReplicasPath"))
    elif not status_path.startswith(".status."):
        errors.append(
            invalid(
                f"{path}.scale.statusReplicasPath",
                status_path,
                "should be a json path under .status",
            )
        )
    selector = scale.get("labelSelectorPath")
    if selector and not (selector.startswith(".spec.") or selector.startswith(".status.")):
        errors.append(
            invalid(
                f"{path}.scale.labelSelectorPath",
                selector,
                "should be a json path under either .spec or .status",
            )
        )
    return errors


def _validate_schema(schema: Any, path: str) -> list[FieldError]:
    root = (schema or {}).get("openAPIV3Schema") if isinstance(schema, dict) else None
    rpath = f"{path}.openAPIV3Schema"
    if not isinstance(root, dict):
        return [required(rpath, "schemas are required")]
    errors: list[FieldError] = []
    root_type = root.get("type")
    if not root_type:
        errors.append(required(f"{rpath}.type", "must not be empty at the root"))
    elif root_type != "object":
        errors.append(invalid(f"{rpath}.type", root_type, "must be object at the root"))
    _structural(root, rpath, errors, root=True)
    return errors


def _structural(schema: Obj, path: str, errors: list[FieldError], *, root: bool = False) -> None:
    """The checks of a structural schema that users meet most: every specified field and
    array item has a type (unless it is int-or-string or keeps unknown fields)."""
    declared = schema.get("type")
    if declared and declared not in SCHEMA_TYPES:
        errors.append(not_supported(f"{path}.type", declared, SCHEMA_TYPES))
    if schema.get("x-kubernetes-int-or-string") and declared:
        errors.append(
            invalid(f"{path}.type", declared, "must be empty if x-kubernetes-int-or-string is true")
        )
    for name, child in (schema.get("properties") or {}).items():
        if not isinstance(child, dict):
            continue
        cpath = f"{path}.properties[{name}]"
        if not _typed(child) and not (root and name == "metadata"):
            errors.append(
                required(f"{cpath}.type", "must not be empty for specified object fields")
            )
        _structural(child, cpath, errors)
    items = schema.get("items")
    if isinstance(items, dict):
        if not _typed(items):
            errors.append(
                required(f"{path}.items.type", "must not be empty for specified array items")
            )
        _structural(items, f"{path}.items", errors)
    elif declared == "array" and items is None:
        errors.append(required(f"{path}.items", "must be specified"))
    extra = schema.get("additionalProperties")
    if isinstance(extra, dict):
        if schema.get("properties"):
            errors.append(
                invalid(
                    f"{path}.additionalProperties",
                    GoText("..."),
                    "additionalProperties and properties are mutual exclusive",
                )
            )
        _structural(extra, f"{path}.additionalProperties", errors)


def _typed(schema: Obj) -> bool:
    return bool(
        schema.get("type")
        or schema.get("x-kubernetes-int-or-string")
        or schema.get("x-kubernetes-preserve-unknown-fields")
    )
