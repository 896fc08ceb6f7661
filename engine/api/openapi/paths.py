"""The ``paths`` of a group-version document: every operation of one resource.

A resource gets its collection (list, create, deletecollection), its item (get, replace,
patch, delete), the watch paths, the all-namespaces list of a namespaced kind, and its
subresources; the path-level parameters are ``name``/``namespace``/``pretty``.
"""

from __future__ import annotations

from engine.api.openapi import parameters as p
from engine.api.openapi.operations import (
    DELETE_OPTIONS,
    RESOURCE_LIST,
    STATUS,
    STREAM_TYPES,
    WATCH_EVENT,
    Names,
    PathItem,
    answers,
    article,
    by_name,
    operation,
    read_write,
    request_body,
)
from engine.api.openapi.resources import gv_camel, gv_tag, url_prefix
from engine.api.openapi.schemas import ref_to
from engine.api.openapi.subresources import subresource_path


def resource_paths(names: Names) -> dict[str, PathItem]:
    """Every path of one resource: collection, item, watch, all-namespaces, subresources."""
    r = names.resource
    prefix = url_prefix(names.group, names.version)
    scope = f"{prefix}/namespaces/{{namespace}}" if r.namespaced else prefix
    collection = f"{scope}/{r.plural}"
    item = f"{collection}/{{name}}"
    scope_params = [p.NAMESPACE] if r.namespaced else []
    out: dict[str, PathItem] = {}

    def add(path: str, item_: PathItem) -> None:
        if any(k != "parameters" for k in item_):
            out[path] = item_

    add(collection, _collection(names, scope_params))
    add(item, _item(names, scope_params))
    if r.allows("watch"):
        watch_scope = (
            f"{prefix}/watch/namespaces/{{namespace}}" if r.namespaced else f"{prefix}/watch"
        )
        out[f"{watch_scope}/{r.plural}"] = _watch(names, scope_params, single=False)
        out[f"{watch_scope}/{r.plural}/{{name}}"] = _watch(names, scope_params, single=True)
    if r.namespaced and r.allows("list"):
        out[f"{prefix}/{r.plural}"] = _all_namespaces_list(names)
    if r.namespaced and r.allows("watch"):
        out[f"{prefix}/watch/{r.plural}"] = _all_namespaces_watch(names)
    for sub in r.subresources:
        sub_item = subresource_path(names, sub, scope_params)
        if sub_item is not None:
            out[f"{item}/{sub}"] = sub_item
    return out


def _collection(names: Names, scope_params: list[p.Parameter]) -> PathItem:
    r, kind = names.resource, names.resource.kind
    own, lst = ref_to(names.schema), ref_to(names.list_schema)
    item: PathItem = {"parameters": [*scope_params, p.PRETTY]}
    if r.allows("deletecollection"):
        item["delete"] = operation(
            names,
            description=f"delete collection of {kind}",
            operation_id=names.op_id("delete", collection=True),
            action="deletecollection",
            parameters=p.DELETE_COLLECTION,
            body=request_body(ref_to(DELETE_OPTIONS), required=False),
            responses=answers(ref_to(STATUS), ("200",)),
        )
    if r.allows("list"):
        item["get"] = operation(
            names,
            description=f"list or watch objects of kind {kind}",
            operation_id=names.op_id("list"),
            action="list",
            parameters=p.LIST,
            responses=answers(lst, ("200",), STREAM_TYPES),
        )
    if r.allows("create"):
        item["post"] = operation(
            names,
            description=f"create {article(kind)} {kind}",
            operation_id=names.op_id("create"),
            action="post",
            parameters=p.WRITE,
            body=request_body(own),
            responses=answers(own, ("200", "201", "202")),
        )
    return item


def _item(names: Names, scope_params: list[p.Parameter]) -> PathItem:
    r, kind = names.resource, names.resource.kind
    own = ref_to(names.schema)
    item: PathItem = {"parameters": [p.name_param(kind), *scope_params, p.PRETTY]}
    if r.allows("delete"):
        item["delete"] = operation(
            names,
            description=f"delete {article(kind)} {kind}",
            operation_id=names.op_id("delete"),
            action="delete",
            parameters=p.DELETE,
            body=request_body(ref_to(DELETE_OPTIONS), required=False),
            responses=answers(ref_to(STATUS), ("200", "202")),
        )
    if r.allows("get"):
        item["get"] = operation(
            names,
            description=f"read the specified {kind}",
            operation_id=names.op_id("read"),
            action="get",
            responses=answers(own, ("200",)),
        )
    item.update(read_write(names, own, names.gvk, "", "the specified", get=False))
    return item


def _watch(names: Names, scope_params: list[p.Parameter], *, single: bool) -> PathItem:
    kind = names.resource.kind
    if single:
        description = (
            f"watch changes to an object of kind {kind}. deprecated: use the 'watch' parameter"
            " with a list operation instead, filtered to a single item with the 'fieldSelector'"
            " parameter."
        )
        op_id, action = names.op_id("watch"), "watch"
        params = [*p.LIST, p.name_param(kind), *scope_params, p.PRETTY]
    else:
        description = (
            f"watch individual changes to a list of {kind}. deprecated: use the 'watch'"
            " parameter with a list operation instead."
        )
        op_id, action = names.op_id("watch", "List"), "watchlist"
        params = [*p.LIST, *scope_params, p.PRETTY]
    op = operation(
        names,
        description=description,
        operation_id=op_id,
        action=action,
        responses=answers(ref_to(WATCH_EVENT), ("200",), STREAM_TYPES),
    )
    return {"get": op, "parameters": by_name(params)}


def _all_namespaces_list(names: Names) -> PathItem:
    kind = names.resource.kind
    op = operation(
        names,
        description=f"list or watch objects of kind {kind}",
        operation_id=f"list{gv_camel(names.group, names.version)}{kind}ForAllNamespaces",
        action="list",
        responses=answers(ref_to(names.list_schema), ("200",), STREAM_TYPES),
    )
    return {"get": op, "parameters": by_name([*p.LIST, p.PRETTY])}


def _all_namespaces_watch(names: Names) -> PathItem:
    kind = names.resource.kind
    op = operation(
        names,
        description=(
            f"watch individual changes to a list of {kind}. deprecated: use the 'watch'"
            " parameter with a list operation instead."
        ),
        operation_id=f"watch{gv_camel(names.group, names.version)}{kind}ListForAllNamespaces",
        action="watchlist",
        responses=answers(ref_to(WATCH_EVENT), ("200",), STREAM_TYPES),
    )
    return {"get": op, "parameters": by_name([*p.LIST, p.PRETTY])}


def root_path(group: str, version: str) -> dict[str, PathItem]:
    """``GET /apis/<g>/<v>/``: the group-version's APIResourceList."""
    op = {
        "description": "get available resources",
        "operationId": f"get{gv_camel(group, version)}APIResources",
        "responses": answers(ref_to(RESOURCE_LIST), ("200",)),
        "tags": [gv_tag(group, version)],
    }
    return {f"{url_prefix(group, version)}/": {"get": op}}
