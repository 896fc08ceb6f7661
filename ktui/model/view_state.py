"""What one resource view shows, and where Enter leads from a row of it (drill-down).

A ViewState is plain data: a kind, which namespaces, which selectors, a filter, and the
breadcrumb that names it. The browser keeps a stack of them per tab; Esc pops.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from ktui.client import APIResource

# Kinds whose pods are found by the object's label selector (spec.selector).
SELECTOR_KINDS = {
    ("apps", "Deployment"),
    ("apps", "ReplicaSet"),
    ("apps", "StatefulSet"),
    ("apps", "DaemonSet"),
    ("batch", "Job"),
    ("", "ReplicationController"),
}


@dataclass(frozen=True)
class ViewState:
    resource: APIResource
    namespaces: tuple[str, ...] | None = None  # None: all namespaces
    label_selector: str = ""
    field_selector: str = ""
    filter: str = ""
    crumb: str = ""  # how the breadcrumb names this view; the kind's name when empty
    pod: str = ""  # the containers view: the pod whose containers are listed
    wide: bool = False

    @property
    def containers(self) -> bool:
        return bool(self.pod)

    @property
    def all_namespaces(self) -> bool:
        return self.resource.namespaced and self.namespaces is None

    @property
    def several_namespaces(self) -> bool:
        return self.all_namespaces or (self.namespaces is not None and len(self.namespaces) > 1)

    @property
    def title(self) -> str:
        if self.crumb:
            return self.crumb
        if not self.resource.namespaced:
            return self.resource.name
        where = "all" if self.namespaces is None else ",".join(self.namespaces)
        selector = f" {self.label_selector}" if self.label_selector else ""
        return f"{self.resource.name}({where}){selector}"

    def with_(self, **changes: Any) -> ViewState:
        return replace(self, **changes)


@dataclass
class Drill:
    """Where Enter on a row leads: another view, or an inspection screen."""

    view: ViewState | None = None
    describe: bool = False  # no natural child view: describe the object instead
    needs_object: bool = False  # the full object must be fetched to decide (its selector)
    notes: list[str] = field(default_factory=list)


def selector_of(obj: dict[str, Any]) -> str:
    """A label selector string for an object's spec.selector (or a Service's selector)."""
    spec = obj.get("spec") or {}
    selector = spec.get("selector") or {}
    if obj.get("kind") in ("Service", "ReplicationController"):
        labels = selector
        expressions: list[dict[str, Any]] = []
    else:
        labels = selector.get("matchLabels") or {}
        expressions = selector.get("matchExpressions") or []
    parts = [f"{key}={value}" for key, value in sorted(labels.items())]
    for expression in expressions:
        key, operator = expression.get("key", ""), expression.get("operator", "")
        values = ",".join(expression.get("values") or [])
        if operator == "In":
            parts.append(f"{key} in ({values})")
        elif operator == "NotIn":
            parts.append(f"{key} notin ({values})")
        elif operator == "Exists":
            parts.append(key)
        elif operator == "DoesNotExist":
            parts.append(f"!{key}")
    return ",".join(parts)


def drill(
    state: ViewState,
    row_name: str,
    row_namespace: str,
    pods: APIResource | None,
    obj: dict[str, Any] | None = None,
    find: Any = None,
) -> Drill:
    """Enter on row `row_name` of `state`. `pods` is the pods resource; `obj` the full object
    when `needs_object` was answered; `find(plural, group)` resolves a CRD's kind."""
    resource = state.resource
    key = (resource.group, resource.kind)
    if state.containers:
        return Drill(describe=False)  # containers: Enter opens the container's logs
    if resource.kind == "Pod":
        crumb = f"containers({row_name})"
        return Drill(state.with_(pod=row_name, namespaces=(row_namespace,), crumb=crumb))
    if pods is None:
        return Drill(describe=True)
    if resource.kind == "Namespace" and resource.group == "":
        return Drill(ViewState(pods, (row_name,)))
    if resource.kind == "Node" and resource.group == "":
        return Drill(
            ViewState(
                pods, None, field_selector=f"spec.nodeName={row_name}", crumb=f"pods({row_name})"
            )
        )
    if key in SELECTOR_KINDS or (resource.kind == "Service" and resource.group == ""):
        if obj is None:
            return Drill(needs_object=True)
        selector = selector_of(obj)
        if not selector:
            return Drill(describe=True, notes=[f"{resource.kind} {row_name} selects no pods"])
        crumb = f"pods({row_name})"
        return Drill(ViewState(pods, (row_namespace,), label_selector=selector, crumb=crumb))
    if resource.kind == "CustomResourceDefinition" and find is not None:
        if obj is None:
            return Drill(needs_object=True)
        spec = obj.get("spec") or {}
        target = find(spec.get("names", {}).get("plural", ""), spec.get("group", ""))
        if target is not None:
            return Drill(ViewState(target, None if target.namespaced else None))
        return Drill(describe=True, notes=["its resources are not served yet"])
    return Drill(describe=True)
