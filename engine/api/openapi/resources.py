"""What the API layer tells the OpenAPI builder about each resource it serves.

A ``ResourceSpec`` is the registry entry seen from OpenAPI: plural, kind, scope, verbs and
subresources. The registry (engine/registry) builds these from its kind declarations and
passes them to ``group_version_document()`` per group-version.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.registry.types import STANDARD_VERBS  # every verb of a plain persisted kind

# Subresources the builder knows how to describe; others are ignored.
KNOWN_SUBRESOURCES: frozenset[str] = frozenset(
    {
        "status",
        "scale",
        "binding",
        "eviction",
        "log",
        "exec",
        "attach",
        "portforward",
        "proxy",
        "token",
        "ephemeralcontainers",
        "resize",
        "approval",
        "finalize",
    }
)


@dataclass(frozen=True, slots=True)
class ResourceSpec:
    """One REST resource of a group-version.

    ``schema`` is the name of the kind's schema in ``components.schemas``; leave it None to
    find it by group/version/kind (``x-kubernetes-group-version-kind``). A kind with no
    schema at all is described as a free-form object that keeps unknown fields.
    """

    plural: str
    kind: str
    namespaced: bool
    verbs: tuple[str, ...] = STANDARD_VERBS
    subresources: tuple[str, ...] = ()
    schema: str | None = None

    def allows(self, verb: str) -> bool:
        return verb in self.verbs


def gv_path(group: str, version: str) -> str:
    """The document key kube-apiserver uses: ``api/v1`` or ``apis/apps/v1``."""
    return f"api/{version}" if group == "" else f"apis/{group}/{version}"


def url_prefix(group: str, version: str) -> str:
    return "/" + gv_path(group, version)


def group_camel(group: str) -> str:
    """The group as operation ids spell it: ``""`` → ``Core``, ``rbac.authorization.k8s.io``
    → ``RbacAuthorization``, ``stable.example.com`` → ``StableExampleCom``."""
    if group == "":
        return "Core"
    name = group.removesuffix(".k8s.io")
    return "".join(part[:1].upper() + part[1:] for part in name.replace("-", ".").split("."))


def gv_camel(group: str, version: str) -> str:
    """``AppsV1``, ``CoreV1``, ``RbacAuthorizationV1``: the middle of every operation id."""
    return group_camel(group) + version[:1].upper() + version[1:]


def gv_tag(group: str, version: str) -> str:
    """The operation tag: ``core_v1``, ``apps_v1``, ``rbacAuthorization_v1``."""
    camel = group_camel(group)
    return f"{camel[:1].lower()}{camel[1:]}_{version}"


def specs_from_api_resources(api_resources: list[dict]) -> list[ResourceSpec]:
    """ResourceSpecs from the ``resources`` of a discovery APIResourceList, where
    subresources are entries named ``pods/status``; verbs of the main entry apply."""
    subresources: dict[str, list[str]] = {}
    for entry in api_resources:
        plural, _, sub = entry["name"].partition("/")
        if sub:
            subresources.setdefault(plural, []).append(sub)
    return [
        ResourceSpec(
            plural=entry["name"],
            kind=entry["kind"],
            namespaced=bool(entry.get("namespaced")),
            verbs=tuple(entry.get("verbs") or ()),
            subresources=tuple(subresources.get(entry["name"], ())),
        )
        for entry in api_resources
        if "/" not in entry["name"]
    ]
