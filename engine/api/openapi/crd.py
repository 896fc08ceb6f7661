"""Schemas for kinds that are not built in: custom resources (and, as a fallback, any kind
the registry serves without a schema).

kube-apiserver publishes a CRD version's ``openAPIV3Schema`` with ``apiVersion``, ``kind``
and ``metadata`` (a reference to ObjectMeta) filled in, under the name of its group
reversed (``stable.example.com/v1 CronTab`` → ``com.example.stable.v1.CronTab``), next to
a ``...CronTabList``. ``custom_resource_schemas`` builds both, ready to be passed as
``extra_schemas`` to ``group_version_document`` and to ``SchemaLookup.extended`` for
strict field validation.
"""

from __future__ import annotations

import copy
from typing import Any

from engine.api.openapi.schemas import GVK_KEY, REF_PREFIX, Schema

OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
LIST_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta"
_CONVENTIONS = "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md"

API_VERSION_PROPERTY: dict[str, Any] = {
    "description": (
        "APIVersion defines the versioned schema of this representation of an object. Servers"
        " should convert recognized schemas to the latest internal value, and may reject"
        f" unrecognized values. More info: {_CONVENTIONS}#resources"
    ),
    "type": "string",
}
KIND_PROPERTY: dict[str, Any] = {
    "description": (
        "Kind is a string value representing the REST resource this object represents."
        " Servers may infer this from the endpoint the client submits requests to. Cannot be"
        f" updated. In CamelCase. More info: {_CONVENTIONS}#types-kinds"
    ),
    "type": "string",
}
METADATA_PROPERTY: dict[str, Any] = {
    "allOf": [{"$ref": REF_PREFIX + OBJECT_META}],
    "description": f"Standard object's metadata. More info: {_CONVENTIONS}#metadata",
}


def free_form_name(group: str, version: str, kind: str) -> str:
    """Upstream's schema name for a kind outside k8s.io: the group reversed, version, kind."""
    reversed_group = ".".join(reversed(group.split("."))) if group else "io.k8s.api.core"
    return f"{reversed_group}.{version}.{kind}"


def _gvk(group: str, version: str, kind: str) -> list[dict[str, str]]:
    return [{"group": group, "kind": kind, "version": version}]


def free_form_schema(group: str, version: str, kind: str) -> Schema:
    """A kind served without a schema: any object, unknown fields kept."""
    return {
        "properties": {
            "apiVersion": API_VERSION_PROPERTY,
            "kind": KIND_PROPERTY,
            "metadata": METADATA_PROPERTY,
        },
        "type": "object",
        "x-kubernetes-preserve-unknown-fields": True,
        GVK_KEY: _gvk(group, version, kind),
    }


def list_schema_for(group: str, version: str, kind: str, item_schema: str) -> Schema:
    """A ``<Kind>List`` schema, shaped like the one kube-apiserver publishes for a CRD."""
    return {
        "description": f"{kind}List is a list of {kind}",
        "properties": {
            "apiVersion": API_VERSION_PROPERTY,
            "items": {
                "description": f"List of {kind.lower()}s. More info: {_CONVENTIONS}",
                "items": {"$ref": REF_PREFIX + item_schema},
                "type": "array",
            },
            "kind": KIND_PROPERTY,
            "metadata": {
                "allOf": [{"$ref": REF_PREFIX + LIST_META}],
                "description": f"Standard list metadata. More info: {_CONVENTIONS}#types-kinds",
            },
        },
        "required": ["items"],
        "type": "object",
        GVK_KEY: _gvk(group, version, kind + "List"),
    }


def custom_resource_schemas(
    group: str, version: str, kind: str, openapi_v3_schema: Schema | None
) -> dict[str, Schema]:
    """The published schemas of one CRD version: ``{<name>: kind schema, <name>List: ...}``.

    `openapi_v3_schema` is ``spec.versions[].schema.openAPIV3Schema`` (None: no schema,
    everything is kept). The input is not modified.
    """
    name = free_form_name(group, version, kind)
    if not openapi_v3_schema:
        schema = free_form_schema(group, version, kind)
    else:
        schema = copy.deepcopy(openapi_v3_schema)
        properties = schema.setdefault("properties", {})
        properties["apiVersion"] = API_VERSION_PROPERTY
        properties["kind"] = KIND_PROPERTY
        properties["metadata"] = METADATA_PROPERTY
        schema.setdefault("type", "object")
        schema[GVK_KEY] = _gvk(group, version, kind)
    return {name: schema, name + "List": list_schema_for(group, version, kind, name)}
