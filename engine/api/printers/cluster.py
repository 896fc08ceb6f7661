"""RoleBindings, ClusterRoleBindings, Leases, PodDisruptionBudgets, StorageClasses,
PriorityClasses, Ingresses, IngressClasses, NetworkPolicies and webhook configurations.

Roles, ClusterRoles, LimitRanges and CRDs have no printer upstream: they get the default
NAME / CREATED AT table (see registry.DEFAULT).
"""

from __future__ import annotations

from typing import Any

from ..humanize import since
from ..selectors import format_label_selector
from .columns import AGE, NAME, col, wide
from .helpers import Obj, as_int, get, int_or_string, meta
from .registry import register

# Go API docs of the fields these columns show (column descriptions).
_STORAGECLASS_PROVISIONER = "provisioner indicates the type of the provisioner."
_STORAGECLASS_RECLAIM_POLICY = (
    "reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes"
    " of this storage class. Defaults to Delete."
)
_STORAGECLASS_VOLUME_BINDING_MODE = (
    "volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and "
    "bound.  When unset, VolumeBindingImmediate is used. This field is only honored by "
    "servers that enable the VolumeScheduling feature."
)
_STORAGECLASS_ALLOW_VOLUME_EXPANSION = (
    "allowVolumeExpansion shows whether the storage class allow volume expand."
)
_PRIORITYCLASS_VALUE = (
    "value represents the integer value of this priority class. This is the actual priority"
    " that pods receive when they have the name of this class in their pod spec."
)
_PRIORITYCLASS_GLOBAL_DEFAULT = (
    "globalDefault specifies whether this PriorityClass should be considered as the default"
    " priority for pods that do not have any priority class. Only one PriorityClass can be "
    "marked as `globalDefault`. However, if more than one PriorityClasses exists with their"
    " `globalDefault` field set to true, the smallest value of such global default "
    "PriorityClasses will be used as the default priority."
)
_PRIORITYCLASS_PREEMPTION_POLICY = (
    "preemptionPolicy is the Policy for preempting pods with lower priority. One of Never, "
    "PreemptLowerPriority. Defaults to PreemptLowerPriority if unset."
)
_NETWORKPOLICY_POD_SELECTOR = (
    "Selects the pods to which this NetworkPolicy object applies. The array of ingress "
    "rules is applied to any pods selected by this field. Multiple network policies can "
    "select the same set of pods. In this case, the ingress rules for each are combined "
    "additively. This field is NOT optional and follows standard label selector semantics. "
    "An empty podSelector matches all pods in this namespace."
)


def _age(obj: Obj, now: float) -> str:
    return since(meta(obj, "creationTimestamp"), now)


def subjects_strings(subjects: list[Obj]) -> tuple[list[str], list[str], list[str]]:
    """rbac.SubjectsStrings: users, groups and "namespace/name" service accounts."""
    users, groups, sas = [], [], []
    for subject in subjects:
        kind = subject.get("kind")
        if kind == "ServiceAccount":
            sas.append(f"{subject.get('namespace', '')}/{subject.get('name', '')}")
        elif kind == "User":
            users.append(subject.get("name", ""))
        elif kind == "Group":
            groups.append(subject.get("name", ""))
    return users, groups, sas


def _binding_columns(noun: str, role_doc: str) -> tuple:
    return (
        NAME,
        col("Role", role_doc),
        AGE,
        wide("Users", f"Users in the {noun}"),
        wide("Groups", f"Groups in the {noun}"),
        wide("ServiceAccounts", f"ServiceAccounts in the {noun}"),
    )


def _binding_cells(obj: Obj, now: float) -> list[Any]:
    role_ref = obj.get("roleRef") or {}
    users, groups, sas = subjects_strings(obj.get("subjects") or [])
    return [
        meta(obj, "name", ""),
        f"{role_ref.get('kind', '')}/{role_ref.get('name', '')}",
        _age(obj, now),
        ", ".join(users),
        ", ".join(groups),
        ", ".join(sas),
    ]


register(
    "rbac.authorization.k8s.io",
    "RoleBinding",
    _binding_columns("roleBinding", "RoleBinding.roleRef"),
)(_binding_cells)
register(
    "rbac.authorization.k8s.io",
    "ClusterRoleBinding",
    _binding_columns("clusterRoleBinding", "ClusterRoleBinding.roleRef"),
)(_binding_cells)


@register("coordination.k8s.io", "Lease", (NAME, col("Holder", "LeaseSpec.holderIdentity"), AGE))
def lease_cells(obj: Obj, now: float) -> list[Any]:
    return [meta(obj, "name", ""), get(obj, "spec", "holderIdentity", default=""), _age(obj, now)]


PDB_COLUMNS = (
    NAME,
    col("Min Available", "The minimum number of pods that must be available."),
    col("Max Unavailable", "The maximum number of pods that may be unavailable."),
    col(
        "Allowed Disruptions",
        "Calculated number of pods that may be disrupted at this time.",
        "integer",
    ),
    AGE,
)


@register("policy", "PodDisruptionBudget", PDB_COLUMNS)
def pdb_cells(obj: Obj, now: float) -> list[Any]:
    spec = obj.get("spec") or {}
    min_available = spec.get("minAvailable")
    max_unavailable = spec.get("maxUnavailable")
    return [
        meta(obj, "name", ""),
        int_or_string(min_available) if min_available is not None else "N/A",
        int_or_string(max_unavailable) if max_unavailable is not None else "N/A",
        as_int(get(obj, "status", "disruptionsAllowed")),
        _age(obj, now),
    ]


STORAGE_CLASS_COLUMNS = (
    NAME,
    col("Provisioner", _STORAGECLASS_PROVISIONER),
    col("ReclaimPolicy", _STORAGECLASS_RECLAIM_POLICY),
    col("VolumeBindingMode", _STORAGECLASS_VOLUME_BINDING_MODE),
    col("AllowVolumeExpansion", _STORAGECLASS_ALLOW_VOLUME_EXPANSION),
    AGE,
)
DEFAULT_CLASS_ANNOTATIONS = (
    "storageclass.kubernetes.io/is-default-class",
    "storageclass.beta.kubernetes.io/is-default-class",
)


@register("storage.k8s.io", "StorageClass", STORAGE_CLASS_COLUMNS)
def storageclass_cells(obj: Obj, now: float) -> list[Any]:
    name = meta(obj, "name", "")
    annotations = meta(obj, "annotations") or {}
    if any(annotations.get(a) == "true" for a in DEFAULT_CLASS_ANNOTATIONS):
        name += " (default)"
    return [
        name,
        obj.get("provisioner", ""),
        obj.get("reclaimPolicy") or "Delete",
        obj.get("volumeBindingMode") or "Immediate",
        bool(obj.get("allowVolumeExpansion")),
        _age(obj, now),
    ]


PRIORITY_CLASS_COLUMNS = (
    NAME,
    col("Value", _PRIORITYCLASS_VALUE, "integer"),
    col("Global-Default", _PRIORITYCLASS_GLOBAL_DEFAULT, "boolean"),
    AGE,
    col("PreemptionPolicy", _PRIORITYCLASS_PREEMPTION_POLICY),
)


@register("scheduling.k8s.io", "PriorityClass", PRIORITY_CLASS_COLUMNS)
def priorityclass_cells(obj: Obj, now: float) -> list[Any]:
    return [
        meta(obj, "name", ""),
        as_int(obj.get("value")),
        bool(obj.get("globalDefault")),
        _age(obj, now),
        obj.get("preemptionPolicy") or "",
    ]


INGRESS_COLUMNS = (
    NAME,
    col(
        "Class",
        "The name of the IngressClass resource that should be used for additional configuration",
    ),
    col("Hosts", "Hosts that incoming requests are matched against before the ingress rule"),
    col("Address", "Address is a list containing ingress points for the load-balancer"),
    col("Ports", "Ports of TLS configurations that open"),
    AGE,
)


def ingress_hosts(rules: list[Obj], limit: int = 3) -> str:
    """formatHosts: "more" only once a rule follows the one that filled the list."""
    hosts: list[str] = []
    more = False
    for rule in rules:
        if len(hosts) == limit:
            more = True
        if not more and rule.get("host"):
            hosts.append(rule["host"])
    if not hosts:
        return "*"
    text = ",".join(hosts)
    return f"{text} + {len(rules) - limit} more..." if more else text


@register("networking.k8s.io", "Ingress", INGRESS_COLUMNS)
def ingress_cells(obj: Obj, now: float) -> list[Any]:
    found = set()
    for ingress in get(obj, "status", "loadBalancer", "ingress", default=[]):
        if ingress.get("ip"):
            found.add(ingress["ip"])
        elif ingress.get("hostname"):
            found.add(ingress["hostname"])
    return [
        meta(obj, "name", ""),
        get(obj, "spec", "ingressClassName", default="<none>"),
        ingress_hosts(get(obj, "spec", "rules", default=[])),
        ",".join(sorted(found)),
        "80, 443" if get(obj, "spec", "tls") else "80",
        _age(obj, now),
    ]


INGRESS_CLASS_COLUMNS = (
    NAME,
    col("Controller", "Controller that is responsible for handling this class"),
    col("Parameters", "A reference to a resource with additional parameters"),
    AGE,
)


@register("networking.k8s.io", "IngressClass", INGRESS_CLASS_COLUMNS)
def ingressclass_cells(obj: Obj, now: float) -> list[Any]:
    params = get(obj, "spec", "parameters")
    text = "<none>"
    if params:
        text = params.get("kind", "")
        if params.get("apiGroup") is not None:
            text += "." + params["apiGroup"]
        text += "/" + params.get("name", "")
    return [meta(obj, "name", ""), get(obj, "spec", "controller", default=""), text, _age(obj, now)]


@register(
    "networking.k8s.io",
    "NetworkPolicy",
    (NAME, col("Pod-Selector", _NETWORKPOLICY_POD_SELECTOR), AGE),
)
def networkpolicy_cells(obj: Obj, now: float) -> list[Any]:
    selector = get(obj, "spec", "podSelector", default={})
    return [meta(obj, "name", ""), format_label_selector(selector), _age(obj, now)]


WEBHOOK_COLUMNS = (
    NAME,
    col(
        "Webhooks",
        "Webhooks indicates the number of webhooks registered in this configuration",
        "integer",
    ),
    AGE,
)


def _webhook_cells(obj: Obj, now: float) -> list[Any]:
    return [meta(obj, "name", ""), len(obj.get("webhooks") or []), _age(obj, now)]


for _kind in ("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"):
    register("admissionregistration.k8s.io", _kind, WEBHOOK_COLUMNS)(_webhook_cells)
