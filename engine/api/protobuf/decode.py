"""Kubernetes protobuf bodies → the JSON objects the rest of the API server works on.

A body is `k8s\\x00` + runtime.Unknown{typeMeta{apiVersion, kind}, raw}; `raw` is the
object's message (k8s.io/api generated.proto). Field layouts come from messages.json.gz
(tools/gen_protobuf.py). The well-known apimachinery types become their JSON forms: Time
and MicroTime as RFC 3339, Quantity and IntOrString as strings/ints, RawExtension and
FieldsV1 as embedded JSON, bytes as base64. As Go's JSON encoding omits empty strings,
lists, maps and zero timestamps, so does the decoder; numbers and booleans are kept.
"""

from __future__ import annotations

import base64
import gzip
import threading
import time
from pathlib import Path
from typing import Any

import orjson

from .wire import LENGTH, VARINT, WireError, fields, packed_varints, signed32, signed64

MAGIC = b"k8s\x00"
DATA_FILE = Path(__file__).with_name("messages.json.gz")
META = "k8s.io.apimachinery.pkg.apis.meta.v1."
UNKNOWN = "k8s.io.apimachinery.pkg.runtime.Unknown"

# API group → the k8s.io/api directory of its generated.proto
_GROUP_DIRS = {
    "": "core",
    "rbac.authorization.k8s.io": "rbac",
    "coordination.k8s.io": "coordination",
    "events.k8s.io": "events",
    "discovery.k8s.io": "discovery",
    "authentication.k8s.io": "authentication",
    "authorization.k8s.io": "authorization",
    "networking.k8s.io": "networking",
    "storage.k8s.io": "storage",
    "scheduling.k8s.io": "scheduling",
    "node.k8s.io": "node",
    "certificates.k8s.io": "certificates",
    "admissionregistration.k8s.io": "admissionregistration",
    "flowcontrol.apiserver.k8s.io": "flowcontrol",
    "resource.k8s.io": "resource",
}

# Pointer fields whose zero value means something (protobuf cannot tell pointers apart;
# Go's JSON keeps an explicit `replicas: 0` or `suspend: false`). Other zeros are dropped.
KEEP_ZERO = frozenset(
    {
        "replicas",
        "parallelism",
        "completions",
        "backoffLimit",
        "backoffLimitPerIndex",
        "maxFailedIndexes",
        "terminationGracePeriodSeconds",
        "activeDeadlineSeconds",
        "revisionHistoryLimit",
        "progressDeadlineSeconds",
        "successfulJobsHistoryLimit",
        "failedJobsHistoryLimit",
        "startingDeadlineSeconds",
        "ttlSecondsAfterFinished",
        "gracePeriodSeconds",
        "runAsUser",
        "runAsGroup",
        "fsGroup",
        "priority",
        "defaultMode",
        "mode",
        "expirationSeconds",
        "suspend",
        "automountServiceAccountToken",
        "readOnlyRootFilesystem",
        "runAsNonRoot",
        "privileged",
        "allowPrivilegeEscalation",
        "enableServiceLinks",
        "immutable",
        "optional",
        "manualSelector",
        "setHostnameAsFQDN",
        "shareProcessNamespace",
        "hostUsers",
        "allocateLoadBalancerNodePorts",
        "ready",
        "serving",
        "terminating",
        "orphanDependents",
        "minReadySeconds",
        "tolerationSeconds",
        "deletionGracePeriodSeconds",
        "seconds",
        "healthCheckNodePort",
        "partition",
        "disruptionsAllowed",
        "currentHealthy",
        "desiredHealthy",
        "expectedPods",
    }
)

_lock = threading.Lock()
_messages: dict[str, Any] | None = None


class ProtobufError(ValueError):
    """A body that is not a Kubernetes protobuf object we can read."""


def messages() -> dict[str, Any]:
    global _messages
    if _messages is None:
        with _lock:
            if _messages is None:
                _messages = orjson.loads(gzip.decompress(DATA_FILE.read_bytes()))["messages"]
    return _messages


def message_name(api_version: str, kind: str) -> str:
    group, _, version = api_version.rpartition("/")
    if group == "meta.k8s.io":
        return f"{META}{kind}"
    directory = _GROUP_DIRS.get(group, group)
    return f"k8s.io.api.{directory}.{version}.{kind}"


def decode_body(data: bytes) -> dict[str, Any]:
    """A whole request body (magic + Unknown envelope) → a JSON-shaped dict."""
    if not data.startswith(MAGIC):
        raise ProtobufError("the body is not a Kubernetes protobuf object (no k8s magic prefix)")
    try:
        envelope = _message(data[len(MAGIC) :], UNKNOWN)
        type_meta = envelope.get("typeMeta") or {}
        api_version, kind = type_meta.get("apiVersion", ""), type_meta.get("kind", "")
        name = message_name(api_version, kind)
        if name not in messages():
            raise ProtobufError(f"no protobuf layout for {kind} in {api_version}")
        raw = envelope.get("raw")
        obj = _message(base64.b64decode(raw) if raw else b"", name)
    except (WireError, ValueError, TypeError, UnicodeDecodeError) as exc:
        if isinstance(exc, ProtobufError):
            raise
        raise ProtobufError(f"malformed protobuf body: {exc}") from None
    out = {"apiVersion": api_version, "kind": kind}
    out.update(obj)
    return out


# -- well-known types --------------------------------------------------------------------


def _time(raw: bytes, micro: bool) -> str | None:
    seconds = nanos = 0
    for number, _, value in fields(raw):
        if number == 1:
            seconds = signed64(int(value))  # type: ignore[arg-type]
        elif number == 2:
            nanos = signed32(int(value))  # type: ignore[arg-type]
    if seconds == 0 and nanos == 0:
        return None
    text = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds))
    return f"{text}.{nanos // 1000:06d}Z" if micro else f"{text}Z"


def _int_or_string(raw: bytes) -> int | str:
    kind, number_value, text = 0, 0, ""
    for number, _, value in fields(raw):
        if number == 1:
            kind = int(value)  # type: ignore[arg-type]
        elif number == 2:
            number_value = signed32(int(value))  # type: ignore[arg-type]
        elif number == 3:
            text = bytes(value).decode()  # type: ignore[arg-type]
    return text if kind == 1 else number_value


def _raw_json(raw: bytes) -> Any:
    for number, _, value in fields(raw):
        if number == 1 and value:
            return orjson.loads(value)  # type: ignore[arg-type]
    return None


def _duration(raw: bytes) -> str:
    nanos = 0
    for number, _, value in fields(raw):
        if number == 1:
            nanos = signed64(int(value))  # type: ignore[arg-type]
    seconds = nanos / 1e9
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{int(hours)}h{int(minutes)}m{secs:g}s"


SPECIAL = {
    f"{META}Time": lambda raw: _time(raw, False),
    f"{META}MicroTime": lambda raw: _time(raw, True),
    f"{META}Duration": _duration,
    f"{META}FieldsV1": _raw_json,
    "k8s.io.apimachinery.pkg.runtime.RawExtension": _raw_json,
    "k8s.io.apimachinery.pkg.api.resource.Quantity": lambda raw: _scalar_string(raw),
    "k8s.io.apimachinery.pkg.util.intstr.IntOrString": _int_or_string,
}


def _scalar_string(raw: bytes) -> str:
    for number, _, value in fields(raw):
        if number == 1:
            return bytes(value).decode()  # type: ignore[arg-type]
    return ""


# -- messages ----------------------------------------------------------------------------


def _scalar(kind: str, wire: int, value: int | bytes) -> Any:
    if kind == "string":
        return bytes(value).decode()  # type: ignore[arg-type]
    if kind == "bytes":
        return base64.b64encode(value).decode()  # type: ignore[arg-type]
    if kind == "bool":
        return bool(value)
    if kind in ("int64", "sint64", "sfixed64"):
        return signed64(int(value))  # type: ignore[arg-type]
    if kind in ("int32", "sint32", "sfixed32", "enum"):
        return signed32(int(value))  # type: ignore[arg-type]
    if kind in ("double", "float"):
        import struct

        size = 8 if kind == "double" else 4
        return struct.unpack("<d" if size == 8 else "<f", int(value).to_bytes(size, "little"))[0]  # type: ignore[arg-type]
    return int(value)  # type: ignore[arg-type]


def _value(kind: str, type_name: str, wire: int, value: int | bytes) -> Any:
    if kind != "message":
        return _scalar(kind, wire, value)
    assert isinstance(value, bytes)
    special = SPECIAL.get(type_name)
    if special is not None:
        return special(value)
    layout = messages().get(type_name)
    if layout is not None and _is_slice_wrapper(type_name, layout):
        return _message(value, type_name).get("items", [])
    return _message(value, type_name)


def _is_slice_wrapper(type_name: str, layout: dict[str, Any]) -> bool:
    """Go named slices (`type ExtraValue []string`) become `{repeated items = 1}`."""
    table = layout["fields"]
    return len(table) == 1 and table.get("1", [""])[0] == "items" and not type_name.endswith("List")


def _message(raw: bytes, type_name: str) -> dict[str, Any]:
    layout = messages().get(type_name)
    if layout is None:
        raise ProtobufError(f"no protobuf layout for {type_name}")
    table = layout["fields"]
    out: dict[str, Any] = {}
    for number, wire, value in fields(raw):
        spec = table.get(str(number))
        if spec is None:
            continue  # a field newer than our layout: dropped, as an old server would
        name, kind, sub, repeated = spec
        if repeated:
            entry_layout = messages().get(sub) if kind == "message" else None
            if entry_layout is not None and entry_layout.get("map"):
                key, item = _map_entry(value, sub, entry_layout)  # type: ignore[arg-type]
                out.setdefault(name, {})[key] = item
                continue
            items = out.setdefault(name, [])
            if wire == LENGTH and kind not in ("string", "bytes", "message"):
                items.extend(_scalar(kind, VARINT, v) for v in packed_varints(value))  # type: ignore[arg-type]
            else:
                items.append(_value(kind, sub, wire, value))
            continue
        decoded = _value(kind, sub, wire, value)
        if decoded is None or decoded == "" or decoded == []:
            continue
        if (decoded is False or (decoded == 0 and kind != "message")) and name not in KEEP_ZERO:
            continue  # Go's omitempty: a zero value of a non-pointer field
        out[name] = decoded
    return out


def _map_entry(raw: bytes, type_name: str, layout: dict[str, Any]) -> tuple[Any, Any]:
    table = layout["fields"]
    key: Any = ""
    item: Any = None
    for number, wire, value in fields(raw):
        spec = table.get(str(number))
        if spec is None:
            continue
        _, kind, sub, _ = spec
        if number == 1:
            key = _value(kind, sub, wire, value)
        else:
            item = _value(kind, sub, wire, value)
    if item is None:
        value_spec = table.get("2")
        item = "" if value_spec is not None and value_spec[1] in ("string", "bytes") else item
    return key, item
