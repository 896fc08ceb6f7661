"""Which fields each kind can be selected by, and their values (upstream field sets).

Two upstream pieces meet here:
- the field label conversion funcs (pkg/apis/*/v1/conversion.go), which accept or reject a
  label and rename legacy spellings; a kind without one accepts only metadata.name and
  metadata.namespace (runtime.DefaultMetaV1FieldSelectorConversion);
- the registries' ToSelectableFields (pkg/registry/*/strategy.go), which give an object's
  values for those labels.
Note what upstream really does, not what the docs promise: in 1.32 Nodes and Namespaces
reject metadata.namespace, and apps/v1 ReplicaSets reject status.replicas (issue 135136).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .errors import SelectorError
from .validation import go_quote

Obj = Mapping[str, Any]


def _not_supported(label: str) -> str:
    return f"field label not supported: {label}"


def _not_known(label: str) -> str:
    only = '"metadata.name", "metadata.namespace"'
    return f"{go_quote(label)} is not a known field selector: only {only}"


def _not_for_job(label: str) -> str:
    return f"field label {go_quote(label)} not supported for Job"


@dataclass(frozen=True)
class FieldLabelRules:
    accepted: frozenset[str]
    renames: Mapping[str, str] = field(default_factory=dict)
    reject: Callable[[str], str] = _not_supported

    def convert(self, label: str, value: str) -> tuple[str, str]:
        if label in self.renames:
            return self.renames[label], value
        if label in self.accepted:
            return label, value
        raise SelectorError(self.reject(label))


_META = frozenset({"metadata.name", "metadata.namespace"})
DEFAULT_RULES = FieldLabelRules(_META, reject=_not_known)

_EVENT_FIELDS = frozenset(
    {
        "involvedObject.kind",
        "involvedObject.namespace",
        "involvedObject.name",
        "involvedObject.uid",
        "involvedObject.apiVersion",
        "involvedObject.resourceVersion",
        "involvedObject.fieldPath",
        "reason",
        "reportingComponent",
        "source",
        "type",
    }
)

RULES: dict[tuple[str, str], FieldLabelRules] = {
    ("", "Pod"): FieldLabelRules(
        _META
        | {
            "spec.nodeName",
            "spec.restartPolicy",
            "spec.schedulerName",
            "spec.serviceAccountName",
            "spec.hostNetwork",
            "status.phase",
            "status.podIP",
            "status.podIPs",  # accepted, but never set by ToSelectableFields
            "status.nominatedNodeName",
        },
        renames={"spec.host": "spec.nodeName"},  # old v1 clients
    ),
    ("", "Node"): FieldLabelRules(frozenset({"metadata.name", "spec.unschedulable"})),
    ("", "ReplicationController"): FieldLabelRules(_META | {"status.replicas"}),
    ("", "Event"): FieldLabelRules(_META | _EVENT_FIELDS),
    ("", "Namespace"): FieldLabelRules(frozenset({"metadata.name", "status.phase"})),
    ("", "Secret"): FieldLabelRules(_META | {"type"}),
    ("", "Service"): FieldLabelRules(_META | {"spec.clusterIP", "spec.type"}),
    ("batch", "Job"): FieldLabelRules(_META | {"status.successful"}, reject=_not_for_job),
    ("events.k8s.io", "Event"): FieldLabelRules(
        _META | {"reason", "source", "type"},
        renames={
            "regarding.kind": "involvedObject.kind",
            "regarding.namespace": "involvedObject.namespace",
            "regarding.name": "involvedObject.name",
            "regarding.uid": "involvedObject.uid",
            "regarding.apiVersion": "involvedObject.apiVersion",
            "regarding.resourceVersion": "involvedObject.resourceVersion",
            "regarding.fieldPath": "involvedObject.fieldPath",
            "reportingController": "reportingComponent",
        },
    ),
    ("certificates.k8s.io", "CertificateSigningRequest"): FieldLabelRules(
        frozenset({"metadata.name", "spec.signerName"})
    ),
}


def rules_for(
    group: str, kind: str, selectable_fields: Sequence[str] | None = None
) -> FieldLabelRules:
    """The kind's rules; `selectable_fields` are a CRD version's selectableFields jsonPaths."""
    if selectable_fields is not None:
        return FieldLabelRules(_META | {p.lstrip(".") for p in selectable_fields})
    return RULES.get((group, kind), DEFAULT_RULES)


def convert_field_label(
    group: str,
    version: str,
    kind: str,
    label: str,
    value: str,
    selectable_fields: Sequence[str] | None = None,
) -> tuple[str, str]:
    """scheme.ConvertFieldLabel: the canonical label, or SelectorError."""
    del version  # every conversion func in 1.32 is the same across a kind's versions
    return rules_for(group, kind, selectable_fields).convert(label, value)


# ---- the values an object offers (ToSelectableFields) --------------------------------------


def _get(obj: Obj | None, *path: str) -> Any:
    for key in path:
        if not isinstance(obj, Mapping):
            return None
        obj = obj.get(key)
    return obj


def _s(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _meta(obj: Obj, namespaced: bool = True) -> dict[str, str]:
    fields = {"metadata.name": _s(_get(obj, "metadata", "name"))}
    namespace = _get(obj, "metadata", "namespace")
    if namespaced and namespace:
        fields["metadata.namespace"] = _s(namespace)
    return fields


def _pod(obj: Obj) -> dict[str, str]:
    status = obj.get("status") or {}
    pod_ips = status.get("podIPs") or []
    pod_ip = (pod_ips[0] or {}).get("ip") if pod_ips else status.get("podIP")
    return {
        **_meta(obj),
        "spec.nodeName": _s(_get(obj, "spec", "nodeName")),
        "spec.restartPolicy": _s(_get(obj, "spec", "restartPolicy")),
        "spec.schedulerName": _s(_get(obj, "spec", "schedulerName")),
        "spec.serviceAccountName": _s(_get(obj, "spec", "serviceAccountName")),
        "spec.hostNetwork": _s(bool(_get(obj, "spec", "hostNetwork"))),
        "status.phase": _s(status.get("phase")),
        "status.podIP": _s(pod_ip),
        "status.nominatedNodeName": _s(status.get("nominatedNodeName")),
    }


def _event_fields(obj: Obj, ref: Obj, reporting: str, source: str) -> dict[str, str]:
    return {
        **_meta(obj),
        "involvedObject.kind": _s(ref.get("kind")),
        "involvedObject.namespace": _s(ref.get("namespace")),
        "involvedObject.name": _s(ref.get("name")),
        "involvedObject.uid": _s(ref.get("uid")),
        "involvedObject.apiVersion": _s(ref.get("apiVersion")),
        "involvedObject.resourceVersion": _s(ref.get("resourceVersion")),
        "involvedObject.fieldPath": _s(ref.get("fieldPath")),
        "reason": _s(obj.get("reason")),
        "reportingComponent": reporting,
        "source": source or reporting,
        "type": _s(obj.get("type")),
    }


def _core_event(obj: Obj) -> dict[str, str]:
    reporting = _s(obj.get("reportingComponent"))
    source = _s(_get(obj, "source", "component"))
    return _event_fields(obj, obj.get("involvedObject") or {}, reporting, source)


def _events_k8s_io_event(obj: Obj) -> dict[str, str]:
    reporting = _s(obj.get("reportingController"))
    source = _s(_get(obj, "deprecatedSource", "component"))
    return _event_fields(obj, obj.get("regarding") or {}, reporting, source)


_EXTRACTORS: dict[tuple[str, str], Callable[[Obj], dict[str, str]]] = {
    ("", "Pod"): _pod,
    ("", "Node"): lambda o: {
        **_meta(o, namespaced=False),
        "spec.unschedulable": _s(bool(_get(o, "spec", "unschedulable"))),
    },
    ("", "Namespace"): lambda o: {
        **_meta(o, namespaced=False),
        "status.phase": _s(_get(o, "status", "phase")),
    },
    ("", "ReplicationController"): lambda o: {
        **_meta(o),
        "status.replicas": _s(_get(o, "status", "replicas") or 0),
    },
    ("", "Event"): _core_event,
    ("", "Secret"): lambda o: {**_meta(o), "type": _s(o.get("type"))},
    ("", "Service"): lambda o: {
        **_meta(o),
        "spec.clusterIP": _s(_get(o, "spec", "clusterIP")),
        "spec.type": _s(_get(o, "spec", "type")),
    },
    # Selectable though no conversion func lets a v1 client name it (see module doc).
    ("apps", "ReplicaSet"): lambda o: {
        **_meta(o),
        "status.replicas": _s(_get(o, "status", "replicas") or 0),
    },
    ("batch", "Job"): lambda o: {
        **_meta(o),
        "status.successful": _s(_get(o, "status", "succeeded") or 0),
    },
    ("events.k8s.io", "Event"): _events_k8s_io_event,
    ("certificates.k8s.io", "CertificateSigningRequest"): lambda o: {
        **_meta(o, namespaced=False),
        "spec.signerName": _s(_get(o, "spec", "signerName")),
    },
}


def fields_of(
    group: str, kind: str, obj: Obj, selectable_fields: Sequence[str] | None = None
) -> dict[str, str]:
    """The object's selectable fields, keyed by canonical label (after conversion)."""
    extractor = _EXTRACTORS.get((group, kind))
    fields = extractor(obj) if extractor else _meta(obj)
    for path in selectable_fields or ():
        value = _get(obj, *path.lstrip(".").split("."))
        if isinstance(value, (str, int, bool)):  # CRD selectable fields are scalars
            fields[path.lstrip(".")] = _s(value)
    return fields
