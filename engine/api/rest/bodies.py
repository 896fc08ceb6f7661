"""Request bodies: JSON or YAML in, a decoded value and its JSON bytes out (415 else)."""

from __future__ import annotations

from typing import Any

import orjson
import yaml

from engine.api.app import Request
from engine.api.protobuf import CONTENT_TYPE as PROTOBUF
from engine.api.protobuf import ProtobufError, decode_body
from engine.api.storage.errors import bad_request, unsupported_media_type

_Base: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[misc, valid-type]
    """A safe loader that keeps timestamps as strings (as JSON has them)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
}

JSON_TYPES = frozenset({"application/json", ""})
YAML_TYPES = frozenset({"application/yaml", "application/x-yaml", "text/yaml"})
BODY_TYPES = ("application/json", "application/yaml", "application/vnd.kubernetes.protobuf")
PATCH_TYPES = (
    "application/json-patch+json",
    "application/merge-patch+json",
    "application/strategic-merge-patch+json",
    "application/apply-patch+yaml",
)


def media_type(req: Request) -> str:
    return req.headers.get("content-type", "").split(";", 1)[0].strip().lower()


def parse_yaml(raw: bytes) -> Any:
    try:
        return yaml.load(raw.decode("utf-8"), Loader=_Loader)  # noqa: S506 - a safe loader
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise bad_request(f"error converting YAML to JSON: {exc}") from None


def parse_json(raw: bytes, kind: str = "") -> Any:
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        what = f" (must be of type {kind})" if kind else ""
        raise bad_request(f"the object provided is unrecognized{what}: {exc}") from None


async def read_object(req: Request, kind: str) -> tuple[Any, bytes]:
    """A create/update body: (decoded, its JSON bytes for strict field validation)."""
    raw = await req.body()
    media = media_type(req)
    if not raw.strip():
        raise bad_request("the body of the request was empty")
    if media in JSON_TYPES:
        return parse_json(raw, kind), raw
    if media in YAML_TYPES:
        value = parse_yaml(raw)
        return value, orjson.dumps(value)
    if media == PROTOBUF:
        value = parse_protobuf(raw)
        return value, orjson.dumps(value)
    raise unsupported_media_type(media, BODY_TYPES)


def parse_protobuf(raw: bytes) -> Any:
    """kubectl's typed clients (create configmap, run, drain...) send protobuf."""
    try:
        return decode_body(raw)
    except ProtobufError as exc:
        raise bad_request(str(exc)) from None


async def read_patch(req: Request) -> tuple[str, Any]:
    """A PATCH body: (its media type, decoded)."""
    raw = await req.body()
    media = media_type(req)
    if media not in PATCH_TYPES:
        raise unsupported_media_type(media, PATCH_TYPES)
    if not raw.strip():
        raise bad_request("the body of the request was empty")
    if media == "application/apply-patch+yaml":
        return media, parse_yaml(raw)
    try:
        return media, orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise bad_request(f"error decoding patch: {exc}") from None


async def read_optional(req: Request) -> Any:
    """A body that may be absent (DeleteOptions): None when empty."""
    raw = await req.body()
    if not raw.strip():
        return None
    media = media_type(req)
    if media in YAML_TYPES:
        return parse_yaml(raw)
    if media == PROTOBUF:
        return parse_protobuf(raw)
    return parse_json(raw)
