"""/openapi/v2: the empty Swagger 2.0 document, in the protobuf kubectl asks for."""

from __future__ import annotations

from engine.api.openapi import PROTOBUF_TYPE, v2_document, v2_protobuf


def read_fields(data: bytes) -> dict[int, bytes]:
    """Length-delimited fields of a protobuf message (all this document has)."""
    fields: dict[int, bytes] = {}
    i = 0
    while i < len(data):
        key = data[i]
        assert key & 0x07 == 2, "only length-delimited fields expected"
        length = data[i + 1]
        fields[key >> 3] = data[i + 2 : i + 2 + length]
        i += 2 + length
    return fields


def test_protobuf_is_a_gnostic_document_with_swagger_and_info() -> None:
    document = read_fields(v2_protobuf("v1.32.4"))
    assert document[1] == b"2.0"  # Document.swagger
    info = read_fields(document[2])  # Document.info
    assert info == {1: b"Kubernetes", 2: b"v1.32.4"}  # Info.title, Info.version
    assert set(document) == {1, 2}  # no paths, no definitions


def test_json_twin_and_content_type() -> None:
    assert v2_document("v1.32.4") == {
        "definitions": {},
        "info": {"title": "Kubernetes", "version": "v1.32.4"},
        "paths": {},
        "swagger": "2.0",
    }
    # Go's mime parser rejects the "@" spelling kubectl sends in Accept.
    assert "@" not in PROTOBUF_TYPE
