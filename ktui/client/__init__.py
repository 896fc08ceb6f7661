"""ktui's asynchronous Kubernetes client, on plain httpx.

    client = await connect(context="kind-dev")
    pods = await client.resource("po")
    for pod in (await pods.list()).items: ...
    informer = Informer(pods, all_namespaces=True); await informer.start()

Imports nothing from `textual` or `engine`: it is usable (and tested) on its own.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .client import Client, connect, load_config
    from .config import ClusterConfig, ExecConfig, in_cluster_config
    from .discovery import APIResource, Discovery
    from .errors import (
        AlreadyExists,
        ApiError,
        BadRequest,
        ClientError,
        Conflict,
        ConnectionFailed,
        CredentialError,
        Expired,
        Forbidden,
        Gone,
        InternalError,
        Invalid,
        KubeconfigError,
        MethodNotAllowed,
        NotFound,
        ServerTimeout,
        ServiceUnavailable,
        Timeout,
        TooManyRequests,
        Unauthorized,
        UnknownResource,
    )
    from .exec import ExecResult, ExecSession
    from .indexer import Indexer, object_key
    from .informer import Informer, Notification
    from .kubeconfig import Kubeconfig, load_kubeconfig
    from .portforward import PortForwardError, PortForwardSession
    from .reflector import Backoff, Reflector, WatchState
    from .resource import ObjectList, ResourceClient
    from .tables import Column, Table, TableRow
    from .watch import WatchEvent

# Names are imported on first use (PEP 562): the command line reads a kubeconfig and starts
# the first LIST (ktui.first_list) before httpx and the rest are imported.
_EXPORTS = {
    "Client": "client",
    "connect": "client",
    "load_config": "client",
    "ClusterConfig": "config",
    "ExecConfig": "config",
    "in_cluster_config": "config",
    "APIResource": "discovery",
    "Discovery": "discovery",
    "AlreadyExists": "errors",
    "ApiError": "errors",
    "BadRequest": "errors",
    "ClientError": "errors",
    "Conflict": "errors",
    "ConnectionFailed": "errors",
    "CredentialError": "errors",
    "Expired": "errors",
    "Forbidden": "errors",
    "Gone": "errors",
    "InternalError": "errors",
    "Invalid": "errors",
    "KubeconfigError": "errors",
    "MethodNotAllowed": "errors",
    "NotFound": "errors",
    "ServerTimeout": "errors",
    "ServiceUnavailable": "errors",
    "Timeout": "errors",
    "TooManyRequests": "errors",
    "Unauthorized": "errors",
    "UnknownResource": "errors",
    "ExecResult": "exec",
    "ExecSession": "exec",
    "Indexer": "indexer",
    "object_key": "indexer",
    "Informer": "informer",
    "Notification": "informer",
    "Kubeconfig": "kubeconfig",
    "load_kubeconfig": "kubeconfig",
    "PortForwardError": "portforward",
    "PortForwardSession": "portforward",
    "Backoff": "reflector",
    "Reflector": "reflector",
    "WatchState": "reflector",
    "ObjectList": "resource",
    "ResourceClient": "resource",
    "Column": "tables",
    "Table": "tables",
    "TableRow": "tables",
    "WatchEvent": "watch",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "APIResource",
    "AlreadyExists",
    "ApiError",
    "BadRequest",
    "Client",
    "ClientError",
    "ClusterConfig",
    "Column",
    "Conflict",
    "ConnectionFailed",
    "CredentialError",
    "Discovery",
    "Backoff",
    "ExecConfig",
    "ExecResult",
    "ExecSession",
    "Indexer",
    "Informer",
    "Notification",
    "PortForwardError",
    "PortForwardSession",
    "Reflector",
    "WatchState",
    "object_key",
    "Expired",
    "Forbidden",
    "Gone",
    "InternalError",
    "Invalid",
    "Kubeconfig",
    "KubeconfigError",
    "MethodNotAllowed",
    "NotFound",
    "ObjectList",
    "ResourceClient",
    "ServerTimeout",
    "ServiceUnavailable",
    "Table",
    "TableRow",
    "Timeout",
    "TooManyRequests",
    "Unauthorized",
    "UnknownResource",
    "WatchEvent",
    "connect",
    "in_cluster_config",
    "load_config",
    "load_kubeconfig",
]
