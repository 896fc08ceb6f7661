"""Resource lists of containers and pods (upstream's component-helpers resource package).

A ResourceList here is `dict[str, Quantity]`; text that does not parse as a quantity is
left out (validation of quantities belongs to the kind's validation, not to admission).
"""

from __future__ import annotations

from typing import Any

from .quantity import Quantity, parse_quantity, quantity_or_none

Obj = dict[str, Any]
ResourceList = dict[str, Quantity]


def as_dict(value: Any) -> Obj:
    """`value` if it is an object, else empty: bodies are not validated yet when
    admission reads them, and a wrong type is validation's error to report, not ours."""
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def resource_list(raw: Any) -> ResourceList:
    if not isinstance(raw, dict):
        return {}
    result: ResourceList = {}
    for name, text in raw.items():
        parsed = quantity_or_none(text)
        if parsed is not None:
            result[str(name)] = parsed
    return result


def container_resources(container: Any) -> tuple[ResourceList, ResourceList]:
    """(requests, limits) of one container."""
    resources = container.get("resources") if isinstance(container, dict) else None
    if not isinstance(resources, dict):
        return {}, {}
    return resource_list(resources.get("requests")), resource_list(resources.get("limits"))


def containers(spec: Any, key: str) -> list[Obj]:
    return [c for c in as_list(as_dict(spec).get(key)) if isinstance(c, dict)]


def _add(total: ResourceList, more: ResourceList) -> None:
    for name, value in more.items():
        total[name] = total[name] + value if name in total else value


def _max(total: ResourceList, other: ResourceList) -> None:
    for name, value in other.items():
        if name not in total or value > total[name]:
            total[name] = value


def _pod_total(spec: Any, which: int) -> ResourceList:
    """PodRequests / PodLimits: the sum over containers, at least the largest init
    container (sidecars, init containers with restartPolicy Always, add up), plus the
    pod overhead."""
    total: ResourceList = {}
    for container in containers(spec, "containers"):
        _add(total, container_resources(container)[which])
    sidecars: ResourceList = {}
    init_peak: ResourceList = {}
    for container in containers(spec, "initContainers"):
        own = container_resources(container)[which]
        if container.get("restartPolicy") == "Always":
            _add(sidecars, own)
            _max(init_peak, sidecars)
        else:
            step = dict(sidecars)
            _add(step, own)
            _max(init_peak, step)
    _add(total, sidecars)
    _max(total, init_peak)
    overhead = resource_list(spec.get("overhead")) if isinstance(spec, dict) else {}
    if overhead:
        _add(total, {k: v for k, v in overhead.items() if which == 0 or k in total})
    return total


def pod_requests(spec: Any) -> ResourceList:
    return _pod_total(spec, 0)


def pod_limits(spec: Any) -> ResourceList:
    return _pod_total(spec, 1)


def set_resource(container: Obj, which: str, name: str, value: Quantity) -> None:
    resources = container.get("resources")
    if not isinstance(resources, dict):
        resources = container["resources"] = {}
    target = resources.get(which)
    if not isinstance(target, dict):
        target = resources[which] = {}
    target[name] = str(value)


def one() -> Quantity:
    return parse_quantity("1")
