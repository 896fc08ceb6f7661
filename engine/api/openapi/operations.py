"""The building blocks of kube-apiserver's operations: names, responses, request bodies.

Shapes follow the v1.32 documents under kubernetes/kubernetes ``api/openapi-spec/v3``:
inline parameters, an ``x-kubernetes-action`` and an ``x-kubernetes-group-version-kind``
on every operation, and ``401 Unauthorized`` on every response list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.api.openapi import parameters as p
from engine.api.openapi.resources import ResourceSpec, gv_camel, gv_tag
from engine.api.openapi.schemas import ref_to

PathItem = dict[str, Any]
Operation = dict[str, Any]

# What kube-apiserver answers in (CBOR is left out: the engine does not speak it).
OBJECT_TYPES = ("application/json", "application/vnd.kubernetes.protobuf", "application/yaml")
STREAM_TYPES = (
    "application/json",
    "application/json;stream=watch",
    "application/vnd.kubernetes.protobuf",
    "application/vnd.kubernetes.protobuf;stream=watch",
    "application/yaml",
)
PATCH_TYPES = (
    "application/apply-patch+yaml",
    "application/json-patch+json",
    "application/merge-patch+json",
    "application/strategic-merge-patch+json",
)
TEXT_TYPES = (
    "application/json",
    "application/vnd.kubernetes.protobuf",
    "application/yaml",
    "text/plain",
)

STATUS = "io.k8s.apimachinery.pkg.apis.meta.v1.Status"
DELETE_OPTIONS = "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions"
PATCH = "io.k8s.apimachinery.pkg.apis.meta.v1.Patch"
WATCH_EVENT = "io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent"
RESOURCE_LIST = "io.k8s.apimachinery.pkg.apis.meta.v1.APIResourceList"


@dataclass(frozen=True, slots=True)
class Names:
    """Everything the operations of one resource are named after."""

    group: str
    version: str
    resource: ResourceSpec
    schema: str  # the kind's schema name
    list_schema: str  # the kind's List schema name

    @property
    def gvk(self) -> dict[str, str]:
        return {"group": self.group, "kind": self.resource.kind, "version": self.version}

    def op_id(self, verb: str, suffix: str = "", *, collection: bool = False) -> str:
        scope = "Namespaced" if self.resource.namespaced else ""
        middle = "Collection" if collection else ""
        return (
            f"{verb}{gv_camel(self.group, self.version)}{middle}{scope}{self.resource.kind}{suffix}"
        )


def content(schema: dict[str, Any], types: tuple[str, ...]) -> dict[str, Any]:
    return {t: {"schema": schema} for t in types}


def answers(schema: dict[str, Any], codes: tuple[str, ...], types=OBJECT_TYPES) -> dict:
    text = {"200": "OK", "201": "Created", "202": "Accepted"}
    out: dict[str, Any] = {
        c: {"content": content(schema, types), "description": text[c]} for c in codes
    }
    out["401"] = {"description": "Unauthorized"}
    return out


def operation(
    names: Names,
    *,
    description: str,
    operation_id: str,
    action: str,
    responses: dict[str, Any],
    parameters: list[p.Parameter] | None = None,
    body: dict[str, Any] | None = None,
    gvk: dict[str, str] | None = None,
) -> Operation:
    op: Operation = {"description": description, "operationId": operation_id}
    if parameters:
        op["parameters"] = list(parameters)
    if body is not None:
        op["requestBody"] = body
    op["responses"] = responses
    op["tags"] = [gv_tag(names.group, names.version)]
    op["x-kubernetes-action"] = action
    op["x-kubernetes-group-version-kind"] = gvk or names.gvk
    return op


def request_body(
    schema: dict[str, Any], types: tuple[str, ...] = ("*/*",), required: bool = True
) -> dict:
    out: dict[str, Any] = {"content": content(schema, types)}
    if required:
        out["required"] = True
    return out


def by_name(params: list[p.Parameter]) -> list[p.Parameter]:
    return sorted(params, key=lambda param: param["name"])


def read_write(
    names: Names, schema: dict, gvk: dict, suffix: str, what: str, *, get: bool = True
) -> PathItem:
    """GET/PUT/PATCH of an object (the kind itself, or a subresource such as scale)."""
    r, kind = names.resource, names.resource.kind
    label = f"{suffix.lower()} of the specified" if suffix else what
    ops: PathItem = {}
    if get and r.allows("get"):
        ops["get"] = operation(
            names,
            description=f"read {label} {kind}",
            operation_id=names.op_id("read", suffix),
            action="get",
            responses=answers(schema, ("200",)),
            gvk=gvk,
        )
    if r.allows("patch"):
        ops["patch"] = operation(
            names,
            description=f"partially update {label} {kind}",
            operation_id=names.op_id("patch", suffix),
            action="patch",
            parameters=p.PATCH,
            body=request_body(ref_to(PATCH), PATCH_TYPES),
            responses=answers(schema, ("200", "201")),
            gvk=gvk,
        )
    if r.allows("update"):
        ops["put"] = operation(
            names,
            description=f"replace {label} {kind}",
            operation_id=names.op_id("replace", suffix),
            action="put",
            parameters=p.WRITE,
            body=request_body(schema),
            responses=answers(schema, ("200", "201")),
            gvk=gvk,
        )
    return ops


def article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"
