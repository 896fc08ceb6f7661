"""Deployments, ReplicaSets, StatefulSets, DaemonSets and ControllerRevisions."""

from __future__ import annotations

from typing import Any

from ..humanize import since
from ..selectors import SelectorError, format_label_selector, format_labels
from ..selectors import selector_from_label_selector as as_selector
from .columns import AGE, CONTAINERS, IMAGES, NAME, col, wide
from .helpers import Obj, as_int, controller_of, get, group_of, layout_containers, meta
from .registry import register


def _age(obj: Obj, now: float) -> str:
    return since(meta(obj, "creationTimestamp"), now)


def _template(obj: Obj) -> tuple[str, str]:
    return layout_containers(get(obj, "spec", "template", "spec", "containers"))


DEPLOYMENT_COLUMNS = (
    NAME,
    col("Ready", "Number of the pod with ready state"),
    col("Up-to-date", "DeploymentStatus.updatedReplicas"),
    col("Available", "DeploymentStatus.availableReplicas"),
    AGE,
    CONTAINERS,
    IMAGES,
    wide("Selector", "DeploymentSpec.selector"),
)


@register("apps", "Deployment", DEPLOYMENT_COLUMNS)
def deployment_cells(obj: Obj, now: float) -> list[Any]:
    desired = as_int(get(obj, "spec", "replicas"), 1)
    ready = as_int(get(obj, "status", "readyReplicas"))
    names, images = _template(obj)
    try:  # selector.String(): "" for an empty selector, unlike FormatLabelSelector
        selector = str(as_selector(get(obj, "spec", "selector")))
    except SelectorError:
        selector = "<invalid>"
    return [
        meta(obj, "name", ""),
        f"{ready}/{desired}",
        as_int(get(obj, "status", "updatedReplicas")),
        as_int(get(obj, "status", "availableReplicas")),
        _age(obj, now),
        names,
        images,
        selector,
    ]


REPLICA_SET_COLUMNS = (
    NAME,
    col("Desired", "ReplicaSetSpec.replicas", "integer"),
    col("Current", "ReplicaSetStatus.replicas", "integer"),
    col("Ready", "ReplicaSetStatus.readyReplicas", "integer"),
    AGE,
    CONTAINERS,
    IMAGES,
    wide("Selector", "ReplicaSetSpec.selector"),
)


@register("apps", "ReplicaSet", REPLICA_SET_COLUMNS)
def replicaset_cells(obj: Obj, now: float) -> list[Any]:
    names, images = _template(obj)
    return [
        meta(obj, "name", ""),
        as_int(get(obj, "spec", "replicas"), 1),
        as_int(get(obj, "status", "replicas")),
        as_int(get(obj, "status", "readyReplicas")),
        _age(obj, now),
        names,
        images,
        format_label_selector(get(obj, "spec", "selector")),
    ]


STATEFUL_SET_COLUMNS = (
    NAME,
    col("Ready", "Number of the pod with ready state"),
    AGE,
    CONTAINERS,
    IMAGES,
)


@register("apps", "StatefulSet", STATEFUL_SET_COLUMNS)
def statefulset_cells(obj: Obj, now: float) -> list[Any]:
    names, images = _template(obj)
    desired = as_int(get(obj, "spec", "replicas"), 1)
    ready = as_int(get(obj, "status", "readyReplicas"))
    return [meta(obj, "name", ""), f"{ready}/{desired}", _age(obj, now), names, images]


DAEMON_SET_COLUMNS = (
    NAME,
    col("Desired", "DaemonSetStatus.desiredNumberScheduled", "integer"),
    col("Current", "DaemonSetStatus.currentNumberScheduled", "integer"),
    col("Ready", "DaemonSetStatus.numberReady", "integer"),
    col("Up-to-date", "DaemonSetStatus.updatedNumberScheduled", "integer"),
    col("Available", "DaemonSetStatus.numberAvailable", "integer"),
    col("Node Selector", "PodSpec.nodeSelector"),
    AGE,
    CONTAINERS,
    IMAGES,
    wide("Selector", "DaemonSetSpec.selector"),
)


@register("apps", "DaemonSet", DAEMON_SET_COLUMNS)
def daemonset_cells(obj: Obj, now: float) -> list[Any]:
    names, images = _template(obj)
    status = obj.get("status") or {}
    return [
        meta(obj, "name", ""),
        as_int(status.get("desiredNumberScheduled")),
        as_int(status.get("currentNumberScheduled")),
        as_int(status.get("numberReady")),
        as_int(status.get("updatedNumberScheduled")),
        as_int(status.get("numberAvailable")),
        format_labels(get(obj, "spec", "template", "spec", "nodeSelector")),
        _age(obj, now),
        names,
        images,
        format_label_selector(get(obj, "spec", "selector")),
    ]


CONTROLLER_REVISION_COLUMNS = (
    NAME,
    col("Controller", "Controller of the object"),
    col("Revision", "ControllerRevision.revision"),
    AGE,
)


def controller_name(obj: Obj) -> str:
    """ "daemonset.apps/web" for the controlling owner, "<none>" without one."""
    ref = controller_of(obj)
    if ref is None:
        return "<none>"
    kind, group = ref.get("kind", ""), group_of(ref.get("apiVersion", ""))
    name = ref.get("name", "")
    if not kind and not group:
        return name
    return f"{kind}.{group}".lower() + f"/{name}" if group else f"{kind.lower()}/{name}"


@register("apps", "ControllerRevision", CONTROLLER_REVISION_COLUMNS)
def controllerrevision_cells(obj: Obj, now: float) -> list[Any]:
    return [
        meta(obj, "name", ""),
        controller_name(obj),
        as_int(obj.get("revision")),
        _age(obj, now),
    ]
