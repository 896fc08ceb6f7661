"""A kind as the API server serves it: declared once, read by every generic handler.

A `ResourceType` names the REST resource (group, version, plural...), says how it is
stored (`storage_prefix`, upstream's etcd layout: see docs/registry.md) and carries its
`Strategy` (defaulting, validation, what create/update may change). Discovery, OpenAPI,
the REST handlers and the in-process client are all generated from these declarations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .strategy import Strategy

Obj = dict[str, Any]

STANDARD_VERBS: tuple[str, ...] = (
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
)
READ_VERBS: tuple[str, ...] = ("get", "list", "watch")
STATUS_VERBS: tuple[str, ...] = ("get", "patch", "update")

# What DeleteOptions.propagationPolicy means when a client sends none.
BACKGROUND, ORPHAN, FOREGROUND = "Background", "Orphan", "Foreground"

# How a kind's names are validated (apimachinery's ValidateNameFunc).
SUBDOMAIN, LABEL, DNS1035, PATH_SEGMENT = "subdomain", "label", "dns1035", "path"


@dataclass(frozen=True, slots=True)
class Conversion:
    """Two views of one stored kind (events.k8s.io/v1 Event is kept as a core/v1 Event)."""

    to_storage: Callable[[Obj], Obj]
    from_storage: Callable[[Obj], Obj]


@dataclass(frozen=True, slots=True)
class Subresource:
    """`pods/status`, `deployments/scale`...; group/version default to the parent's."""

    name: str
    kind: str
    verbs: tuple[str, ...]
    group: str | None = None
    version: str | None = None


@dataclass(frozen=True, slots=True)
class ScaleMapping:
    """Where the scale subresource reads and writes in the parent object."""

    spec_replicas: tuple[str, ...] = ("spec", "replicas")
    status_replicas: tuple[str, ...] = ("status", "replicas")
    selector: tuple[str, ...] = ("spec", "selector")
    selector_is_map: bool = False  # ReplicationController: a plain map, not a LabelSelector
    selector_is_text: bool = False  # custom resources: already a serialized label selector


def status_subresource(kind: str) -> Subresource:
    return Subresource("status", kind, STATUS_VERBS)


SCALE = Subresource("scale", "Scale", STATUS_VERBS, "autoscaling", "v1")


@dataclass(eq=False)
class ResourceType:
    group: str
    version: str
    kind: str
    plural: str
    singular: str
    namespaced: bool
    short_names: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    verbs: tuple[str, ...] = STANDARD_VERBS
    subresources: tuple[Subresource, ...] = ()
    strategy: Strategy | None = None
    list_kind: str = ""
    storage_prefix: str = ""  # "/registry/pods/"; derived when empty
    name_format: str = SUBDOMAIN
    tracks_generation: bool = False  # metadata.generation: 1 on create, +1 on spec change
    delete_returns_object: bool = False  # upstream ReturnDeletedObject; else a Status
    create_on_update: bool = False  # upstream AllowCreateOnUpdate
    default_propagation: str = BACKGROUND
    scale: ScaleMapping | None = None
    custom: Obj | None = None  # the CRD version entry, for custom resources
    conversion: Conversion | None = None  # when stored in another version's shape
    # The schemas strict field validation checks bodies against (an openapi SchemaLookup
    # holding a custom resource's schema); None: the built-in schemas.
    field_schemas: Any = None

    def __post_init__(self) -> None:
        if not self.list_kind:
            self.list_kind = self.kind + "List"
        if not self.storage_prefix:
            middle = f"{self.group}/{self.plural}" if self.group else self.plural
            self.storage_prefix = f"/registry/{middle}/"
        if not self.storage_prefix.endswith("/"):
            self.storage_prefix += "/"
        if self.strategy is None:
            from .strategy import Strategy

            self.strategy = Strategy()

    # -- names --------------------------------------------------------------------------

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def group_version(self) -> tuple[str, str]:
        return (self.group, self.version)

    @property
    def qualified_resource(self) -> str:
        """`deployments.apps`, `pods`: how error messages name the resource."""
        return f"{self.plural}.{self.group}" if self.group else self.plural

    @property
    def qualified_kind(self) -> str:
        """`Deployment.apps`, `Pod`: how 422 Invalid messages name the kind."""
        return f"{self.kind}.{self.group}" if self.group else self.kind

    @property
    def has_status(self) -> bool:
        return self.subresource("status") is not None

    @property
    def printer_columns(self) -> list[Obj] | None:
        """A custom resource's additionalPrinterColumns (None for built-in kinds)."""
        if self.custom is None:
            return None
        return list(self.custom.get("additionalPrinterColumns") or [])

    def subresource(self, name: str) -> Subresource | None:
        for sub in self.subresources:
            if sub.name == name:
                return sub
        return None

    # -- store keys ---------------------------------------------------------------------

    def key(self, namespace: str, name: str) -> str:
        if self.namespaced:
            return f"{self.storage_prefix}{namespace}/{name}"
        return self.storage_prefix + name

    def prefix(self, namespace: str = "") -> str:
        """The key prefix of a list: one namespace, or all of them when `namespace` is ''."""
        if self.namespaced and namespace:
            return f"{self.storage_prefix}{namespace}/"
        return self.storage_prefix

    def __repr__(self) -> str:
        return f"<ResourceType {self.plural}.{self.group or 'core'}/{self.version}>"
