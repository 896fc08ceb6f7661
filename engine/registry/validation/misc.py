"""Validation of the smaller kinds: ConfigMap, Secret, Namespace, Endpoints, RBAC, CRD..."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from ..field_errors import FieldError, forbidden, invalid, not_supported, required
from .names import is_config_map_key
from .workloads import non_negative

Obj = dict[str, Any]
MAX_CONFIG_SIZE = 1024 * 1024


def _data_keys(obj: Obj, fields: tuple[str, ...]) -> list[FieldError]:
    errs: list[FieldError] = []
    size = 0
    seen: set[str] = set()
    for field in fields:
        data = obj.get(field)
        if data is None:
            continue
        if not isinstance(data, dict):
            errs.append(invalid(field, data, "must be a map"))
            continue
        for key, value in data.items():
            errs.extend(invalid(f"{field}[{key}]", key, m) for m in is_config_map_key(key))
            if key in seen:
                errs.append(
                    invalid(f"{field}[{key}]", key, "duplicate of key present in " + fields[0])
                )
            seen.add(key)
            size += len(str(value))
    if size > MAX_CONFIG_SIZE:
        errs.append(
            FieldError("Too long", "", None, f"may not be more than {MAX_CONFIG_SIZE} bytes")
        )
    return errs


def validate_config_map(obj: Obj) -> list[FieldError]:
    return _data_keys(obj, ("data", "binaryData"))


def validate_secret(obj: Obj) -> list[FieldError]:
    errs = _data_keys(obj, ("data", "stringData"))
    for key, value in (obj.get("data") or {}).items():
        try:
            base64.b64decode(str(value), validate=True)
        except (binascii.Error, ValueError):
            errs.append(
                invalid(f"data[{key}]", "<secret contents redacted>", "must be base64 encoded")
            )
    kind = obj.get("type")
    if kind == "kubernetes.io/service-account-token":
        annotations = (obj.get("metadata") or {}).get("annotations") or {}
        if not annotations.get("kubernetes.io/service-account.name"):
            errs.append(required("metadata.annotations[kubernetes.io/service-account.name]", ""))
    return errs


def immutable_data(new: Obj, old: Obj) -> list[FieldError]:
    """ConfigMaps and Secrets marked immutable keep their data for good."""
    if not old.get("immutable"):
        return []
    errs: list[FieldError] = []
    if new.get("immutable") is not True:
        errs.append(forbidden("immutable", "field is immutable when `immutable` is set"))
    for field in ("data", "binaryData", "stringData"):
        if new.get(field) != old.get(field) and field != "stringData":
            errs.append(forbidden(field, "field is immutable when `immutable` is set"))
    return errs


def validate_namespace(obj: Obj) -> list[FieldError]:
    phase = (obj.get("status") or {}).get("phase")
    if phase not in (None, "Active", "Terminating"):
        return [not_supported("status.phase", phase, ("Active", "Terminating"))]
    return []


def validate_endpoints(obj: Obj) -> list[FieldError]:
    errs: list[FieldError] = []
    for i, subset in enumerate(obj.get("subsets") or ()):
        if not isinstance(subset, dict):
            errs.append(invalid(f"subsets[{i}]", subset, "must be an object"))
            continue
        for j, address in enumerate(subset.get("addresses") or ()):
            if not isinstance(address, dict) or not address.get("ip"):
                errs.append(required(f"subsets[{i}].addresses[{j}].ip", ""))
        for j, port in enumerate(subset.get("ports") or ()):
            value = port.get("port") if isinstance(port, dict) else None
            if not isinstance(value, int) or not 1 <= value <= 65535:
                errs.append(
                    invalid(
                        f"subsets[{i}].ports[{j}].port",
                        value,
                        "must be between 1 and 65535, inclusive",
                    )
                )
    return errs


def validate_role_ref(obj: Obj) -> list[FieldError]:
    ref = obj.get("roleRef")
    if not isinstance(ref, dict):
        return [required("roleRef", "")]
    errs: list[FieldError] = []
    if ref.get("kind") not in ("Role", "ClusterRole"):
        errs.append(not_supported("roleRef.kind", ref.get("kind", ""), ("ClusterRole", "Role")))
    if ref.get("apiGroup") != "rbac.authorization.k8s.io":
        errs.append(
            not_supported(
                "roleRef.apiGroup", ref.get("apiGroup", ""), ("rbac.authorization.k8s.io",)
            )
        )
    if not ref.get("name"):
        errs.append(required("roleRef.name", ""))
    for i, subject in enumerate(obj.get("subjects") or ()):
        if not isinstance(subject, dict) or not subject.get("name"):
            errs.append(required(f"subjects[{i}].name", ""))
        elif subject.get("kind") not in ("ServiceAccount", "User", "Group"):
            errs.append(
                not_supported(
                    f"subjects[{i}].kind",
                    subject.get("kind", ""),
                    ("ServiceAccount", "User", "Group"),
                )
            )
    return errs


def role_ref_immutable(new: Obj, old: Obj) -> list[FieldError]:
    errs = validate_role_ref(new)
    if new.get("roleRef") != old.get("roleRef"):
        errs.append(invalid("roleRef", new.get("roleRef"), "cannot change roleRef"))
    return errs


def validate_rules(obj: Obj) -> list[FieldError]:
    errs: list[FieldError] = []
    for i, rule in enumerate(obj.get("rules") or ()):
        if not isinstance(rule, dict):
            errs.append(invalid(f"rules[{i}]", rule, "must be an object"))
            continue
        if not rule.get("verbs"):
            errs.append(required(f"rules[{i}].verbs", "verbs must contain at least one value"))
    return errs


def validate_pdb(obj: Obj) -> list[FieldError]:
    spec = obj.get("spec") or {}
    errs: list[FieldError] = []
    if "minAvailable" in spec and "maxUnavailable" in spec:
        errs.append(invalid("spec", spec, "minAvailable and maxUnavailable cannot be both set"))
    for key in ("minAvailable", "maxUnavailable"):
        value = spec.get(key)
        if isinstance(value, int):
            errs.extend(non_negative(value, f"spec.{key}"))
    return errs


def validate_lease(obj: Obj) -> list[FieldError]:
    spec = obj.get("spec") or {}
    errs: list[FieldError] = []
    duration = spec.get("leaseDurationSeconds")
    if duration is not None and (not isinstance(duration, int) or duration <= 0):
        errs.append(invalid("spec.leaseDurationSeconds", duration, "must be greater than 0"))
    return errs
