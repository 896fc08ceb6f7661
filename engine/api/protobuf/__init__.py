"""Reading the protobuf request bodies of kubectl's typed clients (see decode.py)."""

from __future__ import annotations

from .decode import MAGIC, ProtobufError, decode_body

CONTENT_TYPE = "application/vnd.kubernetes.protobuf"

__all__ = ["CONTENT_TYPE", "MAGIC", "ProtobufError", "decode_body"]
