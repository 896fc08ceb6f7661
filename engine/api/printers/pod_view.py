"""What the pod printer reads of a pod, decoded from its JSON without the rest.

The first Table of freshly written pods decodes every one of them: with orjson that is
the whole object, managedFields and all (~10 µs for a running pod), and the row's
PartialObjectMetadata is encoded back from it. msgspec, given the shape of what
`pods.pod_row` and `pods.pod_conditions` read, skips everything else without building it
(~6 µs), and hands the metadata over as the exact bytes it had in the object — for the
row to carry as they are. Fields not declared here do not exist for the printer:
tests/api/printers/test_stored_table.py checks the rows against the whole-object printer.
"""

from __future__ import annotations

from typing import Any, TypedDict

import msgspec

from .helpers import Obj


class _Metadata(TypedDict, total=False):
    name: Any
    creationTimestamp: Any
    deletionTimestamp: Any


class _Container(TypedDict, total=False):
    name: Any
    restartPolicy: Any  # an init container that is a sidecar


class _ContainerStatus(TypedDict, total=False):
    name: Any
    state: Any
    lastState: Any
    ready: Any
    started: Any
    restartCount: Any


class _Spec(TypedDict, total=False):
    containers: list[_Container]
    initContainers: list[_Container]
    readinessGates: Any
    nodeName: Any


class _Status(TypedDict, total=False):
    phase: Any
    reason: Any
    conditions: Any
    containerStatuses: list[_ContainerStatus]
    initContainerStatuses: list[_ContainerStatus]
    podIP: Any
    podIPs: Any
    nominatedNodeName: Any


class _Pod(msgspec.Struct):
    metadata: msgspec.Raw = msgspec.Raw(b"{}")
    spec: _Spec | None = None
    status: _Status | None = None


_DECODE_POD = msgspec.json.Decoder(_Pod).decode
_DECODE_METADATA = msgspec.json.Decoder(_Metadata).decode


def pod_view(data: bytes) -> tuple[Obj, bytes]:
    """(the pod as pod_row reads it, its metadata's JSON); ValueError if it is not a pod."""
    try:
        pod = _DECODE_POD(data)
        metadata = bytes(pod.metadata)
        view: dict[str, Any] = {"metadata": _DECODE_METADATA(metadata)}
    except msgspec.MsgspecError as error:
        raise ValueError(str(error)) from None
    if pod.spec is not None:
        view["spec"] = pod.spec
    if pod.status is not None:
        view["status"] = pod.status
    return view, metadata
