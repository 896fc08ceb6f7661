"""The strategies of CustomResourceDefinitions and of the custom resources they define.

Upstream, the naming and establishing controllers set a CRD's status a moment after it is
stored; here the strategy sets it in the same write (NamesAccepted and Established True,
acceptedNames, storedVersions), so `kubectl wait --for condition=established` returns at
once and a custom resource can be created right after.
"""

from __future__ import annotations

import copy
from typing import Any

from engine.registry.field_errors import FieldError
from engine.registry.strategy import Strategy

from .structural import apply_defaults, prune
from .validation import validate_crd, validate_crd_update
from .values import validate_object

Obj = dict[str, Any]
CLEANUP_FINALIZER = "customresourcecleanup.apiextensions.k8s.io"


def _now() -> str:
    import time

    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def default_crd(crd: Obj) -> None:
    """SetDefaults_CustomResourceDefinition (v1)."""
    spec = crd.get("spec")
    if not isinstance(spec, dict):
        return
    names = spec.get("names")
    if isinstance(names, dict):
        kind = names.get("kind") or ""
        if not names.get("singular") and kind:
            names["singular"] = kind.lower()
        if not names.get("listKind") and kind:
            names["listKind"] = kind + "List"
    conversion = spec.setdefault("conversion", {"strategy": "None"})
    if isinstance(conversion, dict) and not conversion.get("strategy"):
        conversion["strategy"] = "None"
    for version in spec.get("versions") or []:
        if not isinstance(version, dict):
            continue
        for column in version.get("additionalPrinterColumns") or []:
            if isinstance(column, dict) and column.get("priority") == 0:
                del column["priority"]


def storage_version(crd: Obj) -> str:
    for version in (crd.get("spec") or {}).get("versions") or []:
        if isinstance(version, dict) and version.get("storage"):
            return str(version.get("name") or "")
    return ""


def _condition(kind: str, reason: str, message: str, old: list[Obj], now: str) -> Obj:
    for cond in old:
        if cond.get("type") == kind and cond.get("status") == "True":
            return {**cond, "reason": reason, "message": message}
    return {
        "lastTransitionTime": now,
        "message": message,
        "reason": reason,
        "status": "True",
        "type": kind,
    }


def establish(crd: Obj, old: Obj | None = None) -> None:
    """The status the naming and establishing controllers would write."""
    status = crd.get("status") if isinstance(crd.get("status"), dict) else {}
    assert isinstance(status, dict)
    old_conditions = list(status.get("conditions") or [])
    names = copy.deepcopy((crd.get("spec") or {}).get("names") or {})
    now = _now()
    kept = [c for c in old_conditions if c.get("type") not in ("NamesAccepted", "Established")]
    initial = old is None or not old_conditions
    conditions = [
        _condition("NamesAccepted", "NoConflicts", "no conflicts found", old_conditions, now),
        _condition(
            "Established",
            "InitialNamesAccepted",
            "the initial names have been accepted",
            old_conditions if not initial else [],
            now,
        ),
        *kept,
    ]
    stored = list(status.get("storedVersions") or [])
    storage = storage_version(crd)
    if storage and storage not in stored:
        stored.append(storage)
    crd["status"] = {
        **status,
        "acceptedNames": names,
        "conditions": conditions,
        "storedVersions": stored,
    }


class CRDStrategy(Strategy):
    def default(self, obj: Obj) -> None:
        default_crd(obj)

    def prepare_for_create(self, obj: Obj) -> None:
        establish(obj)

    def prepare_for_update(self, new: Obj, old: Obj) -> None:
        establish(new, old)

    def validate(self, obj: Obj) -> list[FieldError]:
        return validate_crd(obj)

    def validate_update(self, new: Obj, old: Obj) -> list[FieldError]:
        return validate_crd_update(new, old)

    def deletion_finalizers(self, obj: Obj) -> list[str]:
        # The CRD stays (Terminating) until its custom resources are gone.
        return [CLEANUP_FINALIZER]


class CustomResourceStrategy(Strategy):
    """Pruning, defaulting and schema validation of one CRD version's objects."""

    def __init__(self, schema: Obj | None, has_status: bool) -> None:
        self.schema = schema
        self.has_status = has_status
        self.status_schema = ((schema or {}).get("properties") or {}).get("status")

    def default(self, obj: Obj) -> None:
        prune(obj, self.schema)
        apply_defaults(obj, self.schema)

    def prepare_for_status_update(self, new: Obj, old: Obj) -> None:
        self.default(new)

    def validate(self, obj: Obj) -> list[FieldError]:
        return validate_object(self.schema, obj)

    def validate_update(self, new: Obj, old: Obj) -> list[FieldError]:
        return validate_object(self.schema, new)

    def validate_status_update(self, new: Obj, old: Obj) -> list[FieldError]:
        return validate_object(self.schema, new)
