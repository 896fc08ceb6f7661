"""``/openapi/v2``: a valid but empty Swagger 2.0 document.

Why serve one at all: kubectl (cli-runtime's QueryParamVerifier) learns that a kind takes
``fieldValidation`` from the PATCH operation of its OpenAPI v3 document. Kinds without
PATCH — create-only ones such as SelfSubjectAccessReview, TokenReview, Binding — make it
fall back to ``/openapi/v2``; on a 404 there, ``kubectl create -f ssar.yaml`` fails with
"failed to download openapi". With this empty document it finds neither the operation nor
a model, skips client-side validation ("resource is not present") and leaves validation to
the server, where Strict field validation still runs. Everything else in kubectl reads v3.

kubectl asks for ``application/com.github.proto-openapi.spec.v2@v1.0+protobuf`` (gnostic's
``openapi.v2.Document``); answer with ``PROTOBUF_TYPE`` as Content-Type (the spelling
without "@": Go's mime parser rejects the other and kubectl then fails). Other clients get
the same document as JSON.
"""

from __future__ import annotations

from typing import Any

PROTOBUF_TYPE = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"
PROTOBUF_ACCEPT = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf"  # what kubectl asks
SWAGGER_VERSION = "2.0"


def v2_document(server_version: str = "unversioned") -> dict[str, Any]:
    return {
        "definitions": {},
        "info": {"title": "Kubernetes", "version": server_version},
        "paths": {},
        "swagger": SWAGGER_VERSION,
    }


def v2_protobuf(server_version: str = "unversioned") -> bytes:
    """The same document as gnostic's protobuf: ``Document{swagger=1, info=2}`` with
    ``Info{title=1, version=2}``; empty paths and definitions are simply absent."""
    info = _string(1, "Kubernetes") + _string(2, server_version)
    return _string(1, SWAGGER_VERSION) + _field(2, info)


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _field(number: int, payload: bytes) -> bytes:
    """A length-delimited field (wire type 2)."""
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def _string(number: int, text: str) -> bytes:
    return _field(number, text.encode())
