"""engine/api/openapi: the OpenAPI documents kubectl reads, and strict field validation.

Serving (for the HTTP layer)::

    service = OpenAPIV3(server_version="v1.32.4")
    service.set_group_version("apps", "v1", [ResourceSpec("deployments", "Deployment", True,
                                             subresources=("status", "scale")), ...])
    GET /openapi/v3               -> 200 application/json service.index().body,
                                     ETag: '"' + index.etag + '"'
    GET /openapi/v3/<key>?hash=H  -> key is "api/v1" or "apis/apps/v1";
                                     service.document(key) is None      -> 404
                                     H given and H != rendered.etag     -> 301 to
                                         /openapi/v3/<key>?hash=<etag>
                                     else 200 application/json, ETag '"<etag>"', and when
                                         H was given: Cache-Control: public, immutable and
                                         Expires one year ahead (as kube-openapi does)
                                     Accept naming only protobuf        -> 406
    GET /openapi/v2               -> 200 v2_protobuf(version) as Content-Type PROTOBUF_TYPE
                                     when Accept names protobuf (kubectl always does), else
                                     v2_document(version) as JSON. It is deliberately empty:
                                     see v2.py for why (create-only kinds such as
                                     SelfSubjectAccessReview need it with kubectl create -f).

CRDs: ``service.set_group_version(g, v, specs, custom_resource_schemas(g, v, kind, schema))``.

Strict field validation (``fieldValidation`` = Strict | Warn; Warn is the default)::

    lookup = builtin_lookup()                       # or .extended(crd schemas)
    issues = strict_field_errors(lookup, (group, version, kind), raw_body)   # JSON bodies
    Strict and issues -> raise strict_decoding_error(kind, version, issues)  # 400
    Warn and issues   -> response headers += warning_headers(issues)
    server-side apply: paths = unknown_fields(lookup, gvk, patch_obj, apply_style=True)
                       Strict and paths -> raise apply_field_error(ns, name, g, v, kind, paths)

The schemas (Kubernetes v1.32, GA group-versions) load on first use; see
tools/gen_openapi.py for their source.
"""

from __future__ import annotations

from engine.api.openapi.crd import custom_resource_schemas
from engine.api.openapi.decoding import decoding_error
from engine.api.openapi.document import (
    closure,
    document_hash,
    group_version_document,
    index_document,
    render,
)
from engine.api.openapi.fields import (
    FieldIssue,
    duplicate_fields,
    strict_field_errors,
    unknown_fields,
)
from engine.api.openapi.messages import (
    apply_field_error,
    apply_field_message,
    strict_decoding_error,
    strict_decoding_message,
    warning_header,
    warning_headers,
)
from engine.api.openapi.resources import (
    STANDARD_VERBS,
    ResourceSpec,
    gv_path,
    specs_from_api_resources,
)
from engine.api.openapi.schemas import SchemaLookup, builtin_lookup, builtin_schemas
from engine.api.openapi.service import OpenAPIV3, Rendered
from engine.api.openapi.v2 import PROTOBUF_ACCEPT, PROTOBUF_TYPE, v2_document, v2_protobuf

__all__ = [
    "PROTOBUF_ACCEPT",
    "PROTOBUF_TYPE",
    "STANDARD_VERBS",
    "FieldIssue",
    "OpenAPIV3",
    "Rendered",
    "ResourceSpec",
    "SchemaLookup",
    "apply_field_error",
    "apply_field_message",
    "builtin_lookup",
    "builtin_schemas",
    "closure",
    "custom_resource_schemas",
    "decoding_error",
    "document_hash",
    "duplicate_fields",
    "group_version_document",
    "gv_path",
    "index_document",
    "render",
    "specs_from_api_resources",
    "strict_decoding_error",
    "strict_decoding_message",
    "strict_field_errors",
    "unknown_fields",
    "v2_document",
    "v2_protobuf",
    "warning_header",
    "warning_headers",
]
