"""Protobuf request bodies decoded with the layouts read from kubectl's descriptors."""

from __future__ import annotations

import pytest

from engine.api.protobuf import MAGIC, ProtobufError, decode_body


def varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def field(number: int, payload: bytes | int) -> bytes:
    if isinstance(payload, int):
        return varint(number << 3) + varint(payload)
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def envelope(api_version: str, kind: str, raw: bytes) -> bytes:
    type_meta = field(1, api_version.encode()) + field(2, kind.encode())
    return MAGIC + field(1, type_meta) + field(2, raw)


def test_a_configmap_with_labels_and_data():
    meta = field(1, b"cm") + field(11, field(1, b"app") + field(2, b"web"))
    raw = field(1, meta) + field(2, field(1, b"k") + field(2, b"v")) + field(4, 1)
    obj = decode_body(envelope("v1", "ConfigMap", raw))
    assert obj == {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "cm", "labels": {"app": "web"}},
        "data": {"k": "v"},
        "immutable": True,
    }


def test_quantities_int_or_string_and_timestamps():
    quantity = field(1, b"500m")
    limits = field(1, b"cpu") + field(2, quantity)
    resources = field(1, limits)
    container = field(1, b"c") + field(2, b"img") + field(8, resources)
    spec = field(2, container)
    meta = field(1, b"p") + field(8, field(1, 1_700_000_000))
    obj = decode_body(envelope("v1", "Pod", field(1, meta) + field(2, spec)))
    assert obj["metadata"]["creationTimestamp"] == "2023-11-14T22:13:20Z"
    assert obj["spec"]["containers"][0]["resources"] == {"limits": {"cpu": "500m"}}
    port = field(3, 80) + field(4, field(1, 1) + field(3, b"http"))  # targetPort: "http"
    service = decode_body(envelope("v1", "Service", field(2, field(1, port))))
    assert service["spec"]["ports"] == [{"port": 80, "targetPort": "http"}]


def test_not_protobuf_or_unknown_kind():
    with pytest.raises(ProtobufError):
        decode_body(b'{"kind":"ConfigMap"}')
    with pytest.raises(ProtobufError):
        decode_body(envelope("example.com/v1", "Widget", b""))
    with pytest.raises(ProtobufError):  # a field of the wrong wire type
        decode_body(envelope("v1", "Service", field(2, field(1, field(3, b"x")))))
