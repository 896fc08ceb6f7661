"""The OpenAPI v3 documents: ``/openapi/v3`` (the index) and one per group-version.

kube-apiserver (k8s.io/kube-openapi handler3) names each group-version document by the
uppercase hex SHA-512 of its JSON bytes; the index lists them as
``/openapi/v3/<gv>?hash=<HASH>`` so clients can cache them forever.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import orjson

from engine.api.openapi.crd import free_form_name, free_form_schema, list_schema_for
from engine.api.openapi.paths import Names, resource_paths, root_path
from engine.api.openapi.resources import ResourceSpec
from engine.api.openapi.schemas import (
    REF_PREFIX,
    Schema,
    SchemaLookup,
    builtin_lookup,
    ref_name,
)

log = logging.getLogger(__name__)

OPENAPI_VERSION = "3.0.0"
SECURITY_SCHEMES = {
    "BearerToken": {
        "description": "Bearer Token authentication",
        "in": "header",
        "name": "authorization",
        "type": "apiKey",
    }
}


def document_hash(data: bytes) -> str:
    """The ETag / ``hash=`` of a serialized document, as kube-openapi computes it."""
    return hashlib.sha512(data).hexdigest().upper()


def render(document: Mapping[str, Any]) -> bytes:
    """The bytes served (and hashed): compact JSON with sorted keys, stable across runs."""
    return orjson.dumps(document, option=orjson.OPT_SORT_KEYS)


def index_document(group_versions: Iterable[str], hash_of: Callable[[str], str]) -> dict:
    """``GET /openapi/v3``: ``{"paths": {"api/v1": {"serverRelativeURL": ...}, ...}}``.

    `group_versions` are document keys (``api/v1``, ``apis/apps/v1``); `hash_of` gives
    each one's current ``document_hash``.
    """
    return {
        "paths": {
            gv: {"serverRelativeURL": f"/openapi/v3/{gv}?hash={hash_of(gv)}"}
            for gv in sorted(group_versions)
        }
    }


def group_version_document(
    group: str,
    version: str,
    resources: Iterable[ResourceSpec],
    extra_schemas: Mapping[str, Schema] | None = None,
    *,
    lookup: SchemaLookup | None = None,
    server_version: str = "unversioned",
) -> dict[str, Any]:
    """The OpenAPI 3.0 document of one group-version, e.g. ``/openapi/v3/apis/apps/v1``.

    `resources` are what the engine serves there; `extra_schemas` add or replace schemas by
    name (a CRD's kinds, see ``crd.custom_resource_schemas``). Its ``components.schemas``
    holds exactly the schemas its paths reference, transitively.
    """
    lookup = (lookup or builtin_lookup()).extended(extra_schemas or {})
    synthesized: dict[str, Schema] = {}
    paths: dict[str, Any] = dict(root_path(group, version))
    for resource in sorted(resources, key=lambda r: r.plural):
        names = _names(lookup, group, version, resource, synthesized)
        paths.update(resource_paths(names))
    schemas = closure(lookup.extended(synthesized), _refs(paths))
    return {
        "components": {"schemas": schemas, "securitySchemes": SECURITY_SCHEMES},
        "info": {"title": "Kubernetes", "version": server_version},
        "openapi": OPENAPI_VERSION,
        "paths": dict(sorted(paths.items())),
        "security": [{"BearerToken": []}],
    }


def closure(lookup: SchemaLookup, roots: Iterable[str]) -> dict[str, Schema]:
    """The schemas named by `roots` and every schema they reference, sorted by name."""
    out: dict[str, Schema] = {}
    pending = list(roots)
    while pending:
        name = pending.pop()
        if name in out:
            continue
        schema = lookup.get(name)
        if schema is None:
            log.warning("OpenAPI: no schema named %s", name)
            continue
        out[name] = schema
        pending.extend(n for n in _refs(schema) if n not in out)
    return dict(sorted(out.items()))


def _refs(node: Any) -> set[str]:
    """Names referenced by ``$ref`` anywhere below `node` (property *names* are skipped:
    JSONSchemaProps has a property literally called ``$ref``)."""
    found: set[str] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            for key, value in current.items():
                if key == "$ref":
                    if isinstance(value, str) and value.startswith(REF_PREFIX):
                        found.add(ref_name(value))
                elif key == "properties" and isinstance(value, dict):
                    stack.extend(value.values())
                elif isinstance(value, dict | list):
                    stack.append(value)
        elif isinstance(current, list):
            stack.extend(current)
    return found


def _names(
    lookup: SchemaLookup,
    group: str,
    version: str,
    resource: ResourceSpec,
    synthesized: dict[str, Schema],
) -> Names:
    """The schema names of a resource's kind and list; free-form ones if none is known."""
    kind = resource.kind
    schema = resource.schema or lookup.name_for(group, version, kind)
    if schema is None or schema not in lookup:
        schema = free_form_name(group, version, kind)
        synthesized[schema] = free_form_schema(group, version, kind)
    list_schema = lookup.name_for(group, version, kind + "List")
    if list_schema is None:
        list_schema = schema + "List"
        if list_schema not in lookup:
            synthesized[list_schema] = list_schema_for(group, version, kind, schema)
    return Names(group, version, resource, schema, list_schema)
