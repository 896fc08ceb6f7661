"""Namespaces, ConfigMaps, Secrets, ServiceAccounts, ResourceQuotas, PodTemplates and
ReplicationControllers."""

from __future__ import annotations

from typing import Any

from ..humanize import since
from ..selectors import format_labels
from .columns import AGE, CONTAINERS, IMAGES, NAME, col, wide
from .helpers import Obj, as_int, get, layout_containers, meta, quantity
from .registry import register


def _age(obj: Obj, now: float) -> str:
    return since(meta(obj, "creationTimestamp"), now)


@register("", "Namespace", (NAME, col("Status", "The status of the namespace"), AGE))
def namespace_cells(obj: Obj, now: float) -> list[Any]:
    return [meta(obj, "name", ""), get(obj, "status", "phase", default=""), _age(obj, now)]


@register("", "ConfigMap", (NAME, col("Data", "ConfigMap.data"), AGE))
def configmap_cells(obj: Obj, now: float) -> list[Any]:
    count = len(obj.get("data") or {}) + len(obj.get("binaryData") or {})
    return [meta(obj, "name", ""), count, _age(obj, now)]


@register("", "Secret", (NAME, col("Type", "Secret.type"), col("Data", "Secret.data"), AGE))
def secret_cells(obj: Obj, now: float) -> list[Any]:
    # stringData is write-only: the server folds it into data before storing.
    count = len(obj.get("data") or {})
    return [meta(obj, "name", ""), obj.get("type", ""), count, _age(obj, now)]


@register("", "ServiceAccount", (NAME, col("Secrets", "ServiceAccount.secrets"), AGE))
def serviceaccount_cells(obj: Obj, now: float) -> list[Any]:
    return [meta(obj, "name", ""), len(obj.get("secrets") or []), _age(obj, now)]


RESOURCE_QUOTA_COLUMNS = (
    NAME,
    col(
        "Request",
        "Request represents a minimum amount of cpu/memory that a container may consume.",
    ),
    col(
        "Limit",
        "Limits control the maximum amount of cpu/memory that a container may use independent "
        "of contention on the node.",
    ),
    AGE,
)


@register("", "ResourceQuota", RESOURCE_QUOTA_COLUMNS)
def resourcequota_cells(obj: Obj, now: float) -> list[Any]:
    hard = get(obj, "status", "hard", default={})
    used = get(obj, "status", "used", default={})
    requests, limits = [], []
    for resource in sorted(hard):
        target = limits if resource.split(".")[0] == "limits" and "." in resource else requests
        target.append(f"{resource}: {quantity(used.get(resource))}/{quantity(hard[resource])}")
    return [meta(obj, "name", ""), ", ".join(requests), ", ".join(limits), _age(obj, now)]


POD_TEMPLATE_COLUMNS = (
    NAME,
    col("Containers", "Names of each container in the template."),
    col("Images", "Images referenced by each container in the template."),
    col("Pod Labels", "The labels for the pod template."),
)


@register("", "PodTemplate", POD_TEMPLATE_COLUMNS)
def podtemplate_cells(obj: Obj, now: float) -> list[Any]:
    del now
    names, images = layout_containers(get(obj, "template", "spec", "containers"))
    labels = get(obj, "template", "metadata", "labels")
    return [meta(obj, "name", ""), names, images, format_labels(labels)]


RC_COLUMNS = (
    NAME,
    col("Desired", "ReplicationControllerSpec.replicas", "integer"),
    col("Current", "ReplicationControllerStatus.replicas", "integer"),
    col("Ready", "ReplicationControllerStatus.readyReplicas", "integer"),
    AGE,
    CONTAINERS,
    IMAGES,
    wide("Selector", "ReplicationControllerSpec.selector"),
)


@register("", "ReplicationController", RC_COLUMNS)
def replicationcontroller_cells(obj: Obj, now: float) -> list[Any]:
    names, images = layout_containers(get(obj, "spec", "template", "spec", "containers"))
    return [
        meta(obj, "name", ""),
        as_int(get(obj, "spec", "replicas"), 1),  # defaulted to 1 by the server
        as_int(get(obj, "status", "replicas")),
        as_int(get(obj, "status", "readyReplicas")),
        _age(obj, now),
        names,
        images,
        format_labels(get(obj, "spec", "selector")),
    ]
