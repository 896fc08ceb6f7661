"""What an object costs against a ResourceQuota: upstream's quota evaluators (pkg/quota/v1).

`usage(group, plural, obj)` is the full ResourceList an object adds to a namespace;
`owner(resource_name)` is the kind whose objects a hard limit counts, so the usage of a
new quota can be computed from what the namespace holds.
"""

from __future__ import annotations

from engine.registry.types import Obj

from .quantity import ZERO, Quantity, parse_quantity
from .resources import (
    ResourceList,
    as_dict,
    as_list,
    container_resources,
    containers,
    pod_limits,
    pod_requests,
)

Kind = tuple[str, str]  # (group, plural)
PODS: Kind = ("", "pods")
SERVICES: Kind = ("", "services")
CLAIMS: Kind = ("", "persistentvolumeclaims")
# Kinds whose object count also has a legacy name ("secrets" beside "count/secrets").
LEGACY_COUNTS = ("configmaps", "secrets", "replicationcontrollers", "resourcequotas")
# Kinds upstream's quota never charges (and that would slow every write down).
IGNORED = frozenset({("", "events"), ("events.k8s.io", "events")})
# Compute resources a pod must state in every container when a quota limits them.
MUST_SPECIFY = frozenset(
    {"cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu", "limits.memory"}
)
_POD_NAMES = frozenset(
    {
        "pods",
        "count/pods",
        "cpu",
        "memory",
        "ephemeral-storage",
        "requests.cpu",
        "requests.memory",
        "requests.ephemeral-storage",
        "limits.cpu",
        "limits.memory",
        "limits.ephemeral-storage",
    }
)
STORAGE_CLASS = ".storageclass.storage.k8s.io/"
TERMINAL = ("Succeeded", "Failed")


def _one() -> Quantity:
    return parse_quantity(1)


def count_name(group: str, plural: str) -> str:
    return f"count/{plural}.{group}" if group else f"count/{plural}"


def owner(name: str) -> Kind | None:
    """The kind a hard limit counts (None: nothing the engine serves)."""
    if name.startswith("count/"):
        resource = name[len("count/") :]
        plural, _, group = resource.partition(".")
        return (group, plural)
    if name in LEGACY_COUNTS:
        return ("", name)
    if name.startswith("services"):
        return SERVICES
    if name in ("persistentvolumeclaims", "requests.storage") or STORAGE_CLASS in name:
        return CLAIMS
    if name in _POD_NAMES or _is_pod_extended(name):
        return PODS
    return None


def _is_pod_extended(name: str) -> bool:
    bare = name.removeprefix("requests.").removeprefix("limits.")
    return bare.startswith("hugepages-") or "/" in bare


def usage(kind: Kind, obj: Obj) -> ResourceList:
    if kind == PODS:
        return pod_usage(obj)
    if kind == SERVICES:
        return service_usage(obj)
    if kind == CLAIMS:
        return claim_usage(obj)
    result = {count_name(*kind): _one()}
    if kind[0] == "" and kind[1] in LEGACY_COUNTS:
        result[kind[1]] = _one()
    return result


def pod_is_terminal(pod: Obj) -> bool:
    return as_dict(pod.get("status")).get("phase") in TERMINAL


def pod_usage(pod: Obj) -> ResourceList:
    """count/pods always (it counts what is stored); the rest only while the pod lives."""
    result: ResourceList = {"count/pods": _one()}
    if pod_is_terminal(pod):
        return result
    spec = pod.get("spec")
    result.update(compute_usage(pod_requests(spec), pod_limits(spec)))
    return result


def compute_usage(requests: ResourceList, limits: ResourceList) -> ResourceList:
    """podComputeUsageHelper: what requests and limits add to the quota names."""
    result: ResourceList = {"pods": _one()}
    for name in ("cpu", "memory", "ephemeral-storage"):
        if name in requests:
            result[name] = requests[name]
            result[f"requests.{name}"] = requests[name]
        if name in limits:
            result[f"limits.{name}"] = limits[name]
    for name, value in requests.items():
        if name.startswith("hugepages-"):
            result[name] = value
            result[f"requests.{name}"] = value
        elif "/" in name and not name.startswith("kubernetes.io/"):
            result[f"requests.{name}"] = value  # extended resources: requests.<name> only
    return result


def missing_compute(pod: Obj, required: set[str]) -> dict[str, list[str]]:
    """Constraints: every container must state each cpu/memory resource a quota limits.

    Returns resource name → the containers that do not (upstream's "must specify")."""
    needed = required & MUST_SPECIFY
    missing: dict[str, list[str]] = {}
    if not needed:
        return missing
    spec = pod.get("spec")
    for key in ("containers", "initContainers"):
        for container in containers(spec, key):
            stated = set(compute_usage(*container_resources(container)))
            for name in sorted(needed - stated):
                names = missing.setdefault(name, [])
                if container.get("name", "") not in names:
                    names.append(container.get("name", ""))
    return missing


def service_usage(service: Obj) -> ResourceList:
    spec = as_dict(service.get("spec"))
    ports = [p for p in as_list(spec.get("ports")) if isinstance(p, dict)]
    result: ResourceList = {
        "count/services": _one(),
        "services": _one(),
        "services.loadbalancers": ZERO,
        "services.nodeports": ZERO,
    }
    kind = spec.get("type")
    if kind == "NodePort":
        result["services.nodeports"] = parse_quantity(len(ports))
    elif kind == "LoadBalancer":
        if spec.get("allocateLoadBalancerNodePorts") is False:
            counted = sum(1 for p in ports if p.get("nodePort"))
        else:
            counted = len(ports)
        result["services.nodeports"] = parse_quantity(counted)
        result["services.loadbalancers"] = _one()
    return result


def claim_usage(claim: Obj) -> ResourceList:
    spec = as_dict(claim.get("spec"))
    result: ResourceList = {
        "count/persistentvolumeclaims": _one(),
        "persistentvolumeclaims": _one(),
    }
    annotations = as_dict(as_dict(claim.get("metadata")).get("annotations"))
    storage_class = spec.get("storageClassName") or annotations.get(
        "volume.beta.kubernetes.io/storage-class"
    )
    if not isinstance(storage_class, str):
        storage_class = None
    if storage_class:
        result[f"{storage_class}{STORAGE_CLASS}persistentvolumeclaims"] = _one()
    raw = as_dict(as_dict(spec.get("resources")).get("requests")).get("storage")
    if raw is not None:
        try:
            storage = parse_quantity(raw)
        except ValueError:
            return result
        result["requests.storage"] = storage
        if storage_class:
            result[f"{storage_class}{STORAGE_CLASS}requests.storage"] = storage
    return result


# -- scopes ---------------------------------------------------------------------------


def matches_scopes(quota: Obj, kind: Kind, obj: Obj) -> bool:
    """Whether a quota's scopes select the object (scoped quotas only track pods)."""
    spec = as_dict(quota.get("spec"))
    scopes = [(s, "Exists", []) for s in as_list(spec.get("scopes"))]
    for expr in as_list(as_dict(spec.get("scopeSelector")).get("matchExpressions")):
        if isinstance(expr, dict):
            scopes.append(
                (expr.get("scopeName"), expr.get("operator"), as_list(expr.get("values")))
            )
    if not scopes:
        return True
    if kind != PODS:
        return False
    return all(_pod_in_scope(obj, *scope) for scope in scopes)


def _pod_in_scope(pod: Obj, scope: str, operator: str, values: list[str]) -> bool:
    spec = as_dict(pod.get("spec"))
    if scope == "PriorityClass":
        name = spec.get("priorityClassName") or ""
        if operator == "In":
            return name in values
        if operator == "NotIn":
            return name not in values
        if operator == "Exists":
            return bool(name)
        return operator == "DoesNotExist" and not name
    if scope in ("Terminating", "NotTerminating"):
        selected = spec.get("activeDeadlineSeconds") is not None
    elif scope in ("BestEffort", "NotBestEffort"):
        selected = not pod_requests(spec) and not pod_limits(spec)
    else:
        return False  # CrossNamespacePodAffinity and unknown scopes select nothing here
    if scope.startswith("Not"):
        selected = not selected
    return selected if operator in ("Exists", "In") else not selected
