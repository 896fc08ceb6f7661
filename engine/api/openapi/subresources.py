"""Subresources in a group-version document: status and scale, bindings and evictions,
pod logs and the streaming ``connect`` endpoints (exec, attach, port-forward, proxy)."""

from __future__ import annotations

from engine.api.openapi import parameters as p
from engine.api.openapi.operations import (
    TEXT_TYPES,
    Names,
    PathItem,
    answers,
    article,
    by_name,
    operation,
    read_write,
    request_body,
)
from engine.api.openapi.resources import gv_camel
from engine.api.openapi.schemas import ref_to

# Subresources served by another kind: (schema, group, version, kind).
SCALE = ("io.k8s.api.autoscaling.v1.Scale", "autoscaling", "v1", "Scale")
POSTED_SUBRESOURCES = {
    "binding": ("io.k8s.api.core.v1.Binding", "", "v1", "Binding"),
    "eviction": ("io.k8s.api.policy.v1.Eviction", "policy", "v1", "Eviction"),
    "token": (
        "io.k8s.api.authentication.v1.TokenRequest",
        "authentication.k8s.io",
        "v1",
        "TokenRequest",
    ),
}
# Streaming subresources of pods (kube's "connect" action): options kind, parameters, methods.
CONNECT_SUBRESOURCES = {
    "exec": ("PodExecOptions", p.EXEC, ("get", "post")),
    "attach": ("PodAttachOptions", p.ATTACH, ("get", "post")),
    "portforward": ("PodPortForwardOptions", p.PORT_FORWARD, ("get", "post")),
    "proxy": (
        "PodProxyOptions",
        p.PROXY,
        ("delete", "get", "head", "options", "patch", "post", "put"),
    ),
}
# Subresources that read and write the kind itself; finalize only takes PUT.
SAME_KIND_SUBRESOURCES = ("status", "ephemeralcontainers", "resize", "approval", "finalize")


def subresource_path(names: Names, sub: str, scope_params: list[p.Parameter]) -> PathItem | None:
    kind = names.resource.kind
    suffix = sub[:1].upper() + sub[1:]
    if sub in SAME_KIND_SUBRESOURCES or sub == "scale":
        schema, group, version, sub_kind = (
            SCALE if sub == "scale" else (names.schema, names.group, names.version, kind)
        )
        gvk = {"group": group, "kind": sub_kind, "version": version}
        ops = read_write(names, ref_to(schema), gvk, suffix, "", get=sub != "finalize")
        if sub == "finalize":
            ops.pop("patch", None)
        return (
            {**ops, "parameters": [p.name_param(sub_kind), *scope_params, p.PRETTY]}
            if ops
            else None
        )
    if sub in POSTED_SUBRESOURCES:
        schema, group, version, sub_kind = POSTED_SUBRESOURCES[sub]
        op = operation(
            names,
            description=f"create {sub} of {article(kind)} {kind}",
            operation_id=names.op_id("create", suffix),
            action="post",
            parameters=p.WRITE,
            body=request_body(ref_to(schema)),
            responses=answers(ref_to(schema), ("200", "201", "202")),
            gvk={"group": group, "kind": sub_kind, "version": version},
        )
        return {"parameters": [p.name_param(sub_kind), *scope_params, p.PRETTY], "post": op}
    if sub == "log":
        op = operation(
            names,
            description=f"read log of the specified {kind}",
            operation_id=names.op_id("read", suffix),
            action="get",
            responses=answers({"type": "string"}, ("200",), TEXT_TYPES),
        )
        params = [*p.LOG, p.name_param(kind), *scope_params, p.PRETTY]
        return {"get": op, "parameters": by_name(params)}
    if sub in CONNECT_SUBRESOURCES:
        options_kind, query_params, methods = CONNECT_SUBRESOURCES[sub]
        item: PathItem = {}
        gv = gv_camel(names.group, names.version)
        scope = "Namespaced" if names.resource.namespaced else ""
        for method in methods:
            item[method] = operation(
                names,
                description=f"connect {method.upper()} requests to {sub} of {kind}",
                operation_id=f"connect{gv}{method.capitalize()}{scope}{kind}{suffix}",
                action="connect",
                responses=answers({"type": "string"}, ("200",), ("*/*",)),
                gvk={"group": names.group, "kind": options_kind, "version": names.version},
            )
        params = [*query_params, p.name_param(options_kind), *scope_params]
        item["parameters"] = by_name(params)
        return item
    return None
