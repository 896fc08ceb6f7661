"""core/v1 kinds: what kube-apiserver serves under /api/v1."""

from __future__ import annotations

from typing import Any

from ..defaults.pod import admit_pod_spec, default_pod_spec, qos_class
from ..defaults.service import default_service
from ..defaults.workloads import default_replication_controller
from ..field_errors import FieldError
from ..strategy import StatusKeptOnCreate, Strategy
from ..types import (
    DNS1035,
    LABEL,
    ORPHAN,
    READ_VERBS,
    SCALE,
    STATUS_VERBS,
    Obj,
    ResourceType,
    ScaleMapping,
    Subresource,
    status_subresource,
)
from ..validation import misc
from ..validation.pod import validate_pod_spec, validate_pod_update
from ..validation.service import validate_service, validate_service_update
from ..validation.workloads import validate_replication_controller

CONNECT_VERBS = ("create", "get")
PROXY_VERBS = ("create", "delete", "get", "patch", "update")
NAMESPACE_VERBS = ("create", "delete", "get", "list", "patch", "update", "watch")


def _spec(obj: Obj) -> Obj:
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        spec = obj["spec"] = {}
    return spec


class PodStrategy(Strategy):
    def default(self, obj: Obj) -> None:
        default_pod_spec(_spec(obj))

    def prepare_for_create(self, obj: Obj) -> None:
        admit_pod_spec(_spec(obj))
        obj["status"] = {"phase": "Pending", "qosClass": qos_class(obj["spec"])}

    def validate(self, obj: Obj) -> list[FieldError]:
        return validate_pod_spec(obj.get("spec"), "spec")

    def validate_update(self, new: Obj, old: Obj) -> list[FieldError]:
        return self.validate(new) + validate_pod_update(new.get("spec"), old.get("spec"))

    def grace_period(self, obj: Obj, requested: int | None) -> int | None:
        spec = obj.get("spec") or {}
        grace = (
            requested if requested is not None else spec.get("terminationGracePeriodSeconds", 30)
        )
        if not isinstance(grace, int) or grace < 0:
            grace = 1
        if not spec.get("nodeName"):
            return 0  # never scheduled: no kubelet will finish the deletion
        if (obj.get("status") or {}).get("phase") in ("Failed", "Succeeded"):
            return 0
        return grace


class ServiceStrategy(Strategy):
    def default(self, obj: Obj) -> None:
        default_service(obj)

    def prepare_for_create(self, obj: Obj) -> None:
        obj["status"] = {"loadBalancer": {}}

    def prepare_for_update(self, new: Obj, old: Obj) -> None:
        """Keep allocated values a client left out (upstream patchAllocatedValues)."""
        new_spec, old_spec = _spec(new), old.get("spec") or {}
        if new_spec.get("type") == "ExternalName" or old_spec.get("type") == "ExternalName":
            return
        for key in ("clusterIP", "clusterIPs", "healthCheckNodePort"):
            if key in old_spec and not new_spec.get(key):
                new_spec[key] = old_spec[key]
        old_ports = {
            (p.get("port"), p.get("protocol", "TCP")): p.get("nodePort")
            for p in old_spec.get("ports") or ()
            if isinstance(p, dict)
        }
        if new_spec.get("type") in ("NodePort", "LoadBalancer"):
            for port in new_spec.get("ports") or ():
                if isinstance(port, dict) and not port.get("nodePort"):
                    found = old_ports.get((port.get("port"), port.get("protocol", "TCP")))
                    if found:
                        port["nodePort"] = found

    def validate(self, obj: Obj) -> list[FieldError]:
        return validate_service(obj)

    def validate_update(self, new: Obj, old: Obj) -> list[FieldError]:
        return validate_service_update(new, old)


class NamespaceStrategy(Strategy):
    def default(self, obj: Obj) -> None:
        meta = obj.setdefault("metadata", {})
        name = meta.get("name")
        if isinstance(meta, dict) and isinstance(name, str) and name:
            labels = meta.get("labels")
            if not isinstance(labels, dict):
                labels = meta["labels"] = {}
            labels["kubernetes.io/metadata.name"] = name

    def prepare_for_create(self, obj: Obj) -> None:
        spec = _spec(obj)
        spec["finalizers"] = ["kubernetes"]
        obj["status"] = {"phase": "Active"}

    def prepare_for_update(self, new: Obj, old: Obj) -> None:
        # spec.finalizers change only through the finalize subresource.
        _spec(new)["finalizers"] = list((old.get("spec") or {}).get("finalizers") or [])

    def validate(self, obj: Obj) -> list[FieldError]:
        return misc.validate_namespace(obj)


class ConfigMapStrategy(Strategy):
    def validate(self, obj: Obj) -> list[FieldError]:
        return misc.validate_config_map(obj)

    def validate_update(self, new: Obj, old: Obj) -> list[FieldError]:
        return self.validate(new) + misc.immutable_data(new, old)


class SecretStrategy(Strategy):
    def default(self, obj: Obj) -> None:
        obj.setdefault("type", "Opaque")

    def prepare_for_create(self, obj: Obj) -> None:
        _fold_string_data(obj)

    def prepare_for_update(self, new: Obj, old: Obj) -> None:
        _fold_string_data(new)

    def validate(self, obj: Obj) -> list[FieldError]:
        return misc.validate_secret(obj)

    def validate_update(self, new: Obj, old: Obj) -> list[FieldError]:
        errs = self.validate(new) + misc.immutable_data(new, old)
        if new.get("type") != old.get("type"):
            from ..field_errors import immutable

            errs.append(immutable("type", new.get("type")))
        return errs


def _fold_string_data(obj: Obj) -> None:
    """stringData is write-only: merged into data (base64) as upstream's conversion does."""
    import base64

    extra = obj.pop("stringData", None)
    if isinstance(extra, dict) and extra:
        data = obj.get("data")
        if not isinstance(data, dict):
            data = obj["data"] = {}
        for key, value in extra.items():
            data[key] = base64.b64encode(str(value).encode()).decode()


class EndpointsStrategy(Strategy):
    def default(self, obj: Obj) -> None:
        for subset in obj.get("subsets") or ():
            for port in (subset or {}).get("ports") or ():
                if isinstance(port, dict):
                    port.setdefault("protocol", "TCP")

    def validate(self, obj: Obj) -> list[FieldError]:
        return misc.validate_endpoints(obj)


class RCStrategy(Strategy):
    def default(self, obj: Obj) -> None:
        default_replication_controller(obj)

    def validate(self, obj: Obj) -> list[FieldError]:
        return validate_replication_controller(obj)


class VolumeStrategy(Strategy):
    """PersistentVolumes and claims: Filesystem mode, Retain, phase Pending on create."""

    def __init__(self, claim: bool) -> None:
        self.claim = claim

    def default(self, obj: Obj) -> None:
        spec = _spec(obj)
        spec.setdefault("volumeMode", "Filesystem")
        if not self.claim:
            spec.setdefault("persistentVolumeReclaimPolicy", "Retain")

    def prepare_for_create(self, obj: Obj) -> None:
        obj["status"] = {"phase": "Pending"}


class NodeStrategy(StatusKeptOnCreate):
    pass


def _pod_subresources() -> tuple[Subresource, ...]:
    return (
        Subresource("attach", "PodAttachOptions", CONNECT_VERBS),
        Subresource("binding", "Binding", ("create",)),
        Subresource("ephemeralcontainers", "Pod", STATUS_VERBS),
        Subresource("eviction", "Eviction", ("create",), "policy", "v1"),
        Subresource("exec", "PodExecOptions", CONNECT_VERBS),
        Subresource("log", "Pod", ("get",)),
        Subresource("portforward", "PodPortForwardOptions", CONNECT_VERBS),
        Subresource("proxy", "PodProxyOptions", PROXY_VERBS),
        status_subresource("Pod"),
    )


def core_kinds() -> list[ResourceType]:
    def core(kind: str, plural: str, namespaced: bool = True, **kw: Any) -> ResourceType:
        kw.setdefault("storage_prefix", f"/registry/{plural}/")
        return ResourceType("", "v1", kind, plural, kind.lower(), namespaced, **kw)

    return [
        core("ConfigMap", "configmaps", short_names=("cm",), strategy=ConfigMapStrategy()),
        core(
            "Endpoints",
            "endpoints",
            short_names=("ep",),
            strategy=EndpointsStrategy(),
            storage_prefix="/registry/services/endpoints/",
            create_on_update=True,
        ),
        core("Event", "events", short_names=("ev",), create_on_update=True),
        core("LimitRange", "limitranges", short_names=("limits",), create_on_update=True),
        core(
            "Namespace",
            "namespaces",
            False,
            short_names=("ns",),
            verbs=NAMESPACE_VERBS,
            subresources=(
                Subresource("finalize", "Namespace", ("update",)),
                status_subresource("Namespace"),
            ),
            strategy=NamespaceStrategy(),
            name_format=LABEL,
            delete_returns_object=True,
        ),
        core(
            "Node",
            "nodes",
            False,
            short_names=("no",),
            subresources=(
                Subresource("proxy", "NodeProxyOptions", PROXY_VERBS),
                status_subresource("Node"),
            ),
            strategy=NodeStrategy(),
            storage_prefix="/registry/minions/",
        ),
        core(
            "PersistentVolumeClaim",
            "persistentvolumeclaims",
            short_names=("pvc",),
            subresources=(status_subresource("PersistentVolumeClaim"),),
            strategy=VolumeStrategy(claim=True),
            delete_returns_object=True,
        ),
        core(
            "PersistentVolume",
            "persistentvolumes",
            False,
            short_names=("pv",),
            subresources=(status_subresource("PersistentVolume"),),
            strategy=VolumeStrategy(claim=False),
            delete_returns_object=True,
        ),
        core(
            "Pod",
            "pods",
            short_names=("po",),
            categories=("all",),
            subresources=_pod_subresources(),
            strategy=PodStrategy(),
            delete_returns_object=True,
        ),
        core(
            "ReplicationController",
            "replicationcontrollers",
            short_names=("rc",),
            categories=("all",),
            subresources=(SCALE, status_subresource("ReplicationController")),
            strategy=RCStrategy(),
            storage_prefix="/registry/controllers/",
            tracks_generation=True,
            default_propagation=ORPHAN,
            scale=ScaleMapping(selector=("spec", "selector"), selector_is_map=True),
        ),
        core(
            "ResourceQuota",
            "resourcequotas",
            short_names=("quota",),
            subresources=(status_subresource("ResourceQuota"),),
        ),
        core("Secret", "secrets", strategy=SecretStrategy()),
        core(
            "ServiceAccount",
            "serviceaccounts",
            short_names=("sa",),
            subresources=(
                Subresource("token", "TokenRequest", ("create",), "authentication.k8s.io", "v1"),
            ),
            delete_returns_object=True,
        ),
        core(
            "Service",
            "services",
            short_names=("svc",),
            categories=("all",),
            subresources=(
                Subresource("proxy", "ServiceProxyOptions", PROXY_VERBS),
                status_subresource("Service"),
            ),
            strategy=ServiceStrategy(),
            storage_prefix="/registry/services/specs/",
            name_format=DNS1035,
            delete_returns_object=True,
            create_on_update=True,
        ),
    ]


__all__ = ["READ_VERBS", "core_kinds"]
