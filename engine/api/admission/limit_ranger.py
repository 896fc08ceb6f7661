"""LimitRanger admission (plugin/pkg/admission/limitranger): LimitRange defaults and bounds.

Mutating, pods on create: containers that lack a request or limit get the `defaultRequest`
/ `default` of every `Container` item, and the pod says so in the
`kubernetes.io/limit-ranger` annotation. Validating, pods on create and PVCs on create and
update: `min`, `max`, `maxLimitRequestRatio` per Container, `min`/`max` per Pod, `min`/`max`
storage requests per PersistentVolumeClaim, with upstream's messages.

LimitRanges are read with upstream's defaults applied (SetDefaults_LimitRangeItem: a
missing `default` is `max`, a missing `defaultRequest` is `default`, else `min`), so the
effect is the same whether or not the stored object carries them.
"""

from __future__ import annotations

from engine.registry.types import Obj

from ..storage.context import StorageContext
from ..storage.errors import forbidden
from . import objects
from .quantity import Quantity
from .resources import (
    ResourceList,
    as_dict,
    as_list,
    container_resources,
    containers,
    pod_limits,
    pod_requests,
    resource_list,
    set_resource,
)

ANNOTATION = "kubernetes.io/limit-ranger"
MAX_MILLI_VALUE = (2**63 - 1) // 1000  # resource.MaxMilliValue


def limit_items(limit_range: Obj) -> list[Obj]:
    """spec.limits with upstream's defaulting of Container items."""
    items = []
    for raw in as_list(as_dict(limit_range.get("spec")).get("limits")):
        if not isinstance(raw, dict):
            continue
        item = dict(raw)
        if item.get("type") == "Container":
            default = {**as_dict(item.get("max")), **as_dict(item.get("default"))}
            request = {**as_dict(item.get("min")), **default, **as_dict(item.get("defaultRequest"))}
            item["default"], item["defaultRequest"] = default, request
        items.append(item)
    return items


def _ranges(ctx: StorageContext, namespace: str) -> list[list[Obj]]:
    found = objects.list_in(ctx, objects.core(ctx, "limitranges"), namespace)
    return [limit_items(lr) for lr in found]


# -- mutation -------------------------------------------------------------------------


def admit_pod(ctx: StorageContext, pod: Obj, namespace: str) -> None:
    for items in _ranges(ctx, namespace):
        requests: ResourceList = {}
        limits: ResourceList = {}
        for item in items:
            if item.get("type") == "Container":
                requests.update(resource_list(item.get("defaultRequest")))
                limits.update(resource_list(item.get("default")))
        if requests or limits:
            _merge_pod(pod, requests, limits)


def _merge_pod(pod: Obj, requests: ResourceList, limits: ResourceList) -> None:
    notes: list[str] = []
    spec = pod.get("spec")
    for key, label in (("containers", "container"), ("initContainers", "init container")):
        for container in containers(spec, key):
            notes += _merge_container(container, requests, limits, label)
    if notes:
        meta = pod.setdefault("metadata", {})
        annotations = meta.get("annotations")
        if not isinstance(annotations, dict):
            annotations = meta["annotations"] = {}
        annotations[ANNOTATION] = "LimitRanger plugin set: " + "; ".join(notes)


def _merge_container(
    container: Obj, requests: ResourceList, limits: ResourceList, label: str
) -> list[str]:
    resources = container.get("resources")
    current = resources if isinstance(resources, dict) else {}
    have_requests = current.get("requests") if isinstance(current.get("requests"), dict) else {}
    have_limits = current.get("limits") if isinstance(current.get("limits"), dict) else {}
    set_limits = sorted(name for name in limits if name not in have_limits)
    set_requests = sorted(name for name in requests if name not in have_requests)
    for name in set_limits:
        set_resource(container, "limits", name, limits[name])
    for name in set_requests:
        set_resource(container, "requests", name, requests[name])
    notes = []
    name = container.get("name", "")
    if set_requests:
        notes.append(f"{', '.join(set_requests)} request for {label} {name}")
    if set_limits:
        notes.append(f"{', '.join(set_limits)} limit for {label} {name}")
    return notes


# -- validation -----------------------------------------------------------------------


def validate(ctx: StorageContext, plural: str, obj: Obj, namespace: str) -> None:
    """Forbidden (403) with every violated bound of the first LimitRange that has any."""
    check = _validate_pod if plural == "pods" else _validate_pvc
    for items in _ranges(ctx, namespace):
        errors = check(items, obj)
        if errors:
            meta = obj.get("metadata") or {}
            rt = objects.core(ctx, plural)
            raise forbidden(rt, str(meta.get("name") or ""), aggregate(errors))


def aggregate(errors: list[str]) -> str:
    """utilerrors.NewAggregate(...).Error(): one message alone, several in brackets."""
    unique = list(dict.fromkeys(errors))
    return unique[0] if len(unique) == 1 else "[" + ", ".join(unique) + "]"


def _validate_pod(items: list[Obj], pod: Obj) -> list[str]:
    errors: list[str] = []
    spec = pod.get("spec")
    for item in items:
        kind = item.get("type")
        if kind == "Container":
            for key in ("containers", "initContainers"):
                for container in containers(spec, key):
                    requests, limits = container_resources(container)
                    errors += _bounds(item, "Container", requests, limits)
        elif kind == "Pod":
            errors += _bounds(item, "Pod", pod_requests(spec), pod_limits(spec))
    return errors


def _validate_pvc(items: list[Obj], pvc: Obj) -> list[str]:
    errors: list[str] = []
    spec = as_dict(pvc.get("spec"))
    requests = resource_list(as_dict(spec.get("resources")).get("requests"))
    for item in items:
        if item.get("type") != "PersistentVolumeClaim":
            continue
        # only the requests are the user's input for claims: limits are not looked at
        for name, bound in resource_list(item.get("min")).items():
            errors += _min(name, "PersistentVolumeClaim", bound, requests, {})
        for name, bound in resource_list(item.get("max")).items():
            errors += _max_request(name, "PersistentVolumeClaim", bound, requests)
    return errors


def _bounds(item: Obj, kind: str, requests: ResourceList, limits: ResourceList) -> list[str]:
    errors: list[str] = []
    for name, bound in resource_list(item.get("min")).items():
        errors += _min(name, kind, bound, requests, limits)
    for name, bound in resource_list(item.get("max")).items():
        errors += _max(name, kind, bound, requests, limits)
    for name, bound in resource_list(item.get("maxLimitRequestRatio")).items():
        errors += _ratio(name, kind, bound, requests, limits)
    return errors


def _values(*quantities: Quantity | None) -> list[int]:
    """requestLimitEnforcedValues: milli-values when none overflows, else values."""
    present = [q for q in quantities if q is not None]
    if all(q.value_int() <= MAX_MILLI_VALUE for q in present):
        return [q.milli_value() if q is not None else 0 for q in quantities]
    return [q.value_int() if q is not None else 0 for q in quantities]


def _min(
    name: str, kind: str, bound: Quantity, requests: ResourceList, limits: ResourceList
) -> list[str]:
    request, limit = requests.get(name), limits.get(name)
    req, lim, enforced = _values(request, limit, bound)
    if request is None:
        return [f"minimum {name} usage per {kind} is {bound}.  No request is specified"]
    if req < enforced:
        return [f"minimum {name} usage per {kind} is {bound}, but request is {request}"]
    if limit is not None and lim < enforced:
        return [f"minimum {name} usage per {kind} is {bound}, but limit is {limit}"]
    return []


def _max(
    name: str, kind: str, bound: Quantity, requests: ResourceList, limits: ResourceList
) -> list[str]:
    request, limit = requests.get(name), limits.get(name)
    req, lim, enforced = _values(request, limit, bound)
    if limit is None:
        return [f"maximum {name} usage per {kind} is {bound}.  No limit is specified"]
    if lim > enforced:
        return [f"maximum {name} usage per {kind} is {bound}, but limit is {limit}"]
    if request is not None and req > enforced:
        return [f"maximum {name} usage per {kind} is {bound}, but request is {request}"]
    return []


def _max_request(name: str, kind: str, bound: Quantity, requests: ResourceList) -> list[str]:
    request = requests.get(name)
    req, _, enforced = _values(request, None, bound)
    if request is None:
        return [f"maximum {name} usage per {kind} is {bound}.  No request is specified"]
    if req > enforced:
        return [f"maximum {name} usage per {kind} is {bound}, but request is {request}"]
    return []


def _ratio(
    name: str, kind: str, bound: Quantity, requests: ResourceList, limits: ResourceList
) -> list[str]:
    request, limit = requests.get(name), limits.get(name)
    req, lim, _ = _values(request, limit, bound)
    prefix = f"{name} max limit to request ratio per {kind} is {bound}"
    if request is None or req == 0:
        return [f"{prefix}, but no request is specified or request is 0"]
    if limit is None or lim == 0:
        return [f"{prefix}, but no limit is specified or limit is 0"]
    observed = lim / req
    shown = observed
    allowed: float = bound.value_int()
    if bound.value_int() <= MAX_MILLI_VALUE:
        observed, allowed = observed * 1000, bound.milli_value()
    if observed > allowed:
        return [f"{prefix}, but provided ratio is {shown:f}"]
    return []
