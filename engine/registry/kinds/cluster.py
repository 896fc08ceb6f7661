"""The remaining groups: coordination, events, discovery, rbac, policy, apiextensions."""

from __future__ import annotations

from ..conversion import EVENTS_CONVERSION
from ..field_errors import FieldError
from ..strategy import Strategy
from ..types import PATH_SEGMENT, Obj, ResourceType, status_subresource
from ..validation import misc

RBAC = "rbac.authorization.k8s.io"


class FunctionStrategy(Strategy):
    def __init__(self, validate=None, validate_update=None, default=None) -> None:  # type: ignore[no-untyped-def]
        self._validate = validate
        self._validate_update = validate_update
        self._default = default

    def default(self, obj: Obj) -> None:
        if self._default is not None:
            self._default(obj)

    def validate(self, obj: Obj) -> list[FieldError]:
        return self._validate(obj) if self._validate is not None else []

    def validate_update(self, new: Obj, old: Obj) -> list[FieldError]:
        if self._validate_update is not None:
            return self._validate_update(new, old)
        return self.validate(new)


def _default_subjects(obj: Obj) -> None:
    ref = obj.get("roleRef")
    if isinstance(ref, dict):
        ref.setdefault("apiGroup", RBAC)
    for subject in obj.get("subjects") or ():
        if isinstance(subject, dict) and subject.get("kind") in ("User", "Group"):
            subject.setdefault("apiGroup", RBAC)


def _default_endpoint_slice(obj: Obj) -> None:
    for port in obj.get("ports") or ():
        if isinstance(port, dict):
            port.setdefault("protocol", "TCP")


def cluster_kinds() -> list[ResourceType]:
    binding = FunctionStrategy(misc.validate_role_ref, misc.role_ref_immutable, _default_subjects)
    rules = FunctionStrategy(misc.validate_rules)

    def rbac(kind: str, plural: str, namespaced: bool, strategy: Strategy) -> ResourceType:
        return ResourceType(
            RBAC,
            "v1",
            kind,
            plural,
            kind.lower(),
            namespaced,
            strategy=strategy,
            storage_prefix=f"/registry/{plural}/",
            name_format=PATH_SEGMENT,
            create_on_update=True,
        )

    return [
        ResourceType(
            "coordination.k8s.io",
            "v1",
            "Lease",
            "leases",
            "lease",
            True,
            strategy=FunctionStrategy(misc.validate_lease),
            storage_prefix="/registry/leases/",
            create_on_update=True,
        ),
        ResourceType(
            "events.k8s.io",
            "v1",
            "Event",
            "events",
            "event",
            True,
            short_names=("ev",),
            storage_prefix="/registry/events/",
            conversion=EVENTS_CONVERSION,
            create_on_update=True,
        ),
        ResourceType(
            "discovery.k8s.io",
            "v1",
            "EndpointSlice",
            "endpointslices",
            "endpointslice",
            True,
            strategy=FunctionStrategy(default=_default_endpoint_slice),
            storage_prefix="/registry/endpointslices/",
        ),
        rbac("ClusterRoleBinding", "clusterrolebindings", False, binding),
        rbac("ClusterRole", "clusterroles", False, rules),
        rbac("RoleBinding", "rolebindings", True, binding),
        rbac("Role", "roles", True, rules),
        ResourceType(
            "policy",
            "v1",
            "PodDisruptionBudget",
            "poddisruptionbudgets",
            "poddisruptionbudget",
            True,
            short_names=("pdb",),
            subresources=(status_subresource("PodDisruptionBudget"),),
            strategy=FunctionStrategy(misc.validate_pdb),
            storage_prefix="/registry/poddisruptionbudgets/",
            tracks_generation=True,
        ),
        ResourceType(
            "apiextensions.k8s.io",
            "v1",
            "CustomResourceDefinition",
            "customresourcedefinitions",
            "customresourcedefinition",
            False,
            short_names=("crd", "crds"),
            categories=("api-extensions",),
            subresources=(status_subresource("CustomResourceDefinition"),),
            tracks_generation=True,
            delete_returns_object=True,
        ),
    ]
